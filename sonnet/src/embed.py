"""`Embed`: looks up a learned vector for each integer id."""

from typing import Any, Callable, Mapping, Optional, Union

import numpy as np
import tensorflow as tf

from sonnet.src.core import base
from sonnet.src.core import connected_property
from sonnet.src.core import tf_shim
from sonnet.src import variable_options

tf1 = tf.compat.v1


def default_embed_dim(vocab_size):
  """Sonnet 1's rule for the embedding size: round(6 * vocab_size ** 0.25).

  Args:
    vocab_size: the number of ids.

  Returns:
    An int.

  Raises:
    ValueError: if `vocab_size` is not positive.
  """
  if not vocab_size or vocab_size <= 0:
    raise ValueError("Invalid vocab_size %g." % vocab_size)
  return int(round(6.0 * vocab_size**0.25))


@tf.custom_gradient
def _densify_gradient(tensor):
  """The identity, whose gradient is a dense tensor (not `IndexedSlices`)."""

  def grad(dy):
    return tf.convert_to_tensor(dy)

  return tf.identity(tensor), grad


class Embed(base.AbstractModule, variable_options.VariableOptions):
  """Maps integer ids to rows of an `embeddings` matrix.

  The matrix has shape `[vocab_size, embed_dim]`: either created (and
  learned) by the module, or initialized from `existing_vocab`.

  >>> embed = snt.Embed(vocab_size=10, embed_dim=4)
  >>> embed(tf.constant([[1, 2, 3]])).shape.as_list()
  [1, 3, 4]
  >>> [v.name for v in embed.get_variables()]
  ['embed/embeddings:0']
  """

  POSSIBLE_INITIALIZER_KEYS = {"embeddings"}

  def __init__(self, vocab_size: Optional[int] = None,
               embed_dim: Optional[int] = None, existing_vocab: Any = None,
               densify_gradients: bool = False,
               initializers: Optional[Mapping[str, Any]] = None,
               partitioners: Optional[Mapping[str, Any]] = None,
               regularizers: Optional[Mapping[str, Any]] = None,
               trainable: bool = True,
               custom_getter: Optional[Union[Callable,
                                             Mapping[str, Callable]]] = None,
               name: str = "embed"):
    """Configures the embedding.

    Args:
      vocab_size: the number of ids; required unless `existing_vocab` is
        given.
      embed_dim: the size of each embedding; if not given (or 0), it is
        round(6 * vocab_size ** 0.25).
      existing_vocab: optional `[vocab_size, embed_dim]` array or tensor
        holding the initial embeddings, converted to float32; then
        `vocab_size`, `embed_dim`, `initializers` and `partitioners` must
        not be given.
      densify_gradients: if True, the gradient of the embeddings is a dense
        tensor rather than `tf.IndexedSlices` (faster when most rows are
        looked up each step).
      initializers: optional dict with key "embeddings"; the default is a
        normal distribution with stddev 1.
      partitioners: optional dict with key "embeddings".
      regularizers: optional dict with key "embeddings".
      trainable: whether the embeddings are trainable.
      custom_getter: as for `snt.AbstractModule`.
      name: the module's name.

    Raises:
      ValueError: if neither `vocab_size` nor `existing_vocab` is given,
        `existing_vocab` comes with another of the arguments it replaces,
        `existing_vocab` is not a fully known matrix (or a non-float32
        tensor), or `vocab_size` is not positive (with no `embed_dim`).
      KeyError: if a dict has a key other than "embeddings".
      TypeError: if a dict value is not callable.
    """
    if vocab_size is None and existing_vocab is None:
      raise ValueError("Must provide on of vocab_size or existing_vocab.")
    if existing_vocab is not None and any(
        x is not None
        for x in (vocab_size, embed_dim, initializers, partitioners)):
      raise ValueError("If existing_vocab is provided, none of vocab_size, "
                       "embedding_dim, initializers, or partitioners is "
                       "needed.")
    super().__init__(custom_getter=custom_getter, name=name)
    if existing_vocab is None:
      embed_dim = embed_dim or default_embed_dim(vocab_size)
    else:
      existing_vocab, (vocab_size, embed_dim) = _float32_matrix(existing_vocab)
    self._vocab_size = vocab_size
    self._embed_dim = embed_dim
    self._existing_vocab = existing_vocab
    self._densify_gradients = densify_gradients
    self._trainable = trainable
    self._set_variable_options(initializers, partitioners, regularizers,
                               self.POSSIBLE_INITIALIZER_KEYS)
    self._embeddings = None

  def _build(self, ids):
    """Looks up the embeddings of `ids`.

    Args:
      ids: an integer tensor of any shape, with values in
        `[0, vocab_size)`.

    Returns:
      A tensor of shape `ids.shape + [embed_dim]`.

    Raises:
      TypeError: if `ids` is not an integer tensor.
    """
    ids = tf.convert_to_tensor(ids)
    if not ids.dtype.is_integer:
      raise TypeError("%s: ids must be an integer tensor, got dtype %s." %
                      (self.scope_name, ids.dtype.name))
    shape = [self._vocab_size, self._embed_dim]
    if self._existing_vocab is None:
      self._embeddings = self._get_variable(
          "embeddings", shape, tf.float32,
          tf1.random_normal_initializer(stddev=1.0), trainable=self._trainable)
    elif tf.is_tensor(self._existing_vocab):
      # Shape and dtype come from the tensor.
      self._embeddings = self._get_variable("embeddings", None, None,
                                            initializer=self._existing_vocab,
                                            trainable=self._trainable)
    else:
      self._embeddings = self._get_variable(
          "embeddings", shape, tf.float32,
          initializer=tf1.constant_initializer(self._existing_vocab),
          trainable=self._trainable)
    embeddings = self._embeddings
    if self._densify_gradients:
      embeddings = _densify_gradient(tf.convert_to_tensor(embeddings))
    # Sonnet 1 looked partitioned embeddings up with TF1's default "mod"
    # strategy: id i is row i // n of partition i % n. Checkpoints made with
    # it need the same mapping. A ShardedVariable (ParameterServerStrategy)
    # holds consecutive rows: "div" finds the rows its whole value has.
    sharded = isinstance(self._embeddings, tf_shim.ShardedVariable)
    return tf1.nn.embedding_lookup(
        embeddings, ids, partition_strategy="div" if sharded else "mod")

  @property
  def vocab_size(self):
    """The number of ids."""
    return self._vocab_size

  @property
  def embed_dim(self):
    """The size of each embedding."""
    return self._embed_dim

  embeddings = connected_property.connected_property(
      "_embeddings", """The `[vocab_size, embed_dim]` embeddings variable.

      Raises:
        NotConnectedError: before the first connection.
      """)


def _float32_matrix(existing_vocab):
  """`existing_vocab` as a float32 array (or tensor) of known 2-D shape.

  Returns:
    The converted value and its shape, as a list of two ints.

  Raises:
    ValueError: if it is a tensor of another dtype, or not a fully known
      matrix.
  """
  if tf.is_tensor(existing_vocab):
    existing_vocab = tf.convert_to_tensor(existing_vocab, dtype=tf.float32)
    shape = existing_vocab.get_shape()
  else:
    existing_vocab = np.asarray(existing_vocab, dtype=np.float32)
    shape = tf.TensorShape(existing_vocab.shape)
  shape.with_rank(2).assert_is_fully_defined()
  return existing_vocab, shape.as_list()
