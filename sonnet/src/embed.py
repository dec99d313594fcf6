"""`Embed`: looks up a learned vector for each integer id."""

import numbers

import numpy as np
import tensorflow as tf

from sonnet.src import arg_checks
from sonnet.src import base

tf1 = tf.compat.v1


def default_embed_dim(vocab_size):
  """Sonnet 1's rule for the embedding size: round(6 * vocab_size ** 0.25).

  Args:
    vocab_size: the number of ids.

  Returns:
    An int.
  """
  return int(round(6.0 * vocab_size ** 0.25))


@tf.custom_gradient
def _densify_gradient(tensor):
  """The identity, whose gradient is a dense tensor (not `IndexedSlices`)."""

  def grad(dy):
    return tf.convert_to_tensor(dy)

  return tf.identity(tensor), grad


class Embed(base.AbstractModule):
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

  def __init__(self, vocab_size=None, embed_dim=None, existing_vocab=None,
               densify_gradients=False, initializers=None, partitioners=None,
               regularizers=None, trainable=True, custom_getter=None,
               name="embed"):
    """Configures the embedding.

    Args:
      vocab_size: the number of ids; required unless `existing_vocab` is
        given.
      embed_dim: the size of each embedding; defaults to
        round(6 * vocab_size ** 0.25).
      existing_vocab: optional `[vocab_size, embed_dim]` array or tensor
        holding the initial embeddings; then `vocab_size`, `embed_dim`,
        `initializers` and `partitioners` must not be given.
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
        both are, `existing_vocab` is not a matrix, or a size is not a
        positive integer.
      KeyError: if a dict has a key other than "embeddings".
      TypeError: if a dict value is not callable.
    """
    super().__init__(custom_getter=custom_getter, name=name)
    if existing_vocab is None:
      if vocab_size is None:
        raise ValueError("Embed needs vocab_size or existing_vocab.")
      if embed_dim is None and _is_positive_int(vocab_size):
        embed_dim = default_embed_dim(vocab_size)
    else:
      if any(x is not None for x in (vocab_size, embed_dim, initializers,
                                     partitioners)):
        raise ValueError(
            "With existing_vocab, Embed takes its sizes and initial values "
            "from it: leave vocab_size, embed_dim, initializers and "
            "partitioners unset.")
      if not tf.is_tensor(existing_vocab):
        existing_vocab = np.asarray(existing_vocab)
      shape = existing_vocab.shape
      if len(shape) != 2:
        raise ValueError("existing_vocab must be a matrix [vocab_size, "
                         "embed_dim], got shape %s." % (shape,))
      vocab_size, embed_dim = (int(d) if d is not None else None
                               for d in tuple(shape))
    for what, value in (("vocab_size", vocab_size), ("embed_dim", embed_dim)):
      if not _is_positive_int(value):
        raise ValueError("Embed's %s must be a positive integer, got %r."
                         % (what, value))
    keys = self.POSSIBLE_INITIALIZER_KEYS
    self._vocab_size = int(vocab_size)
    self._embed_dim = int(embed_dim)
    self._existing_vocab = existing_vocab
    self._densify_gradients = densify_gradients
    self._trainable = trainable
    self._initializers = arg_checks.check_initializers(initializers, keys)
    self._partitioners = arg_checks.check_partitioners(partitioners, keys)
    self._regularizers = arg_checks.check_regularizers(regularizers, keys)
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
      raise TypeError("%s: ids must be an integer tensor, got dtype %s."
                      % (self.scope_name, ids.dtype.name))
    shape = [self._vocab_size, self._embed_dim]
    if self._existing_vocab is None:
      self._embeddings = tf1.get_variable(
          "embeddings", shape=shape, dtype=tf.float32,
          initializer=self._initializers.get(
              "embeddings", tf1.random_normal_initializer(stddev=1.0)),
          partitioner=self._partitioners.get("embeddings"),
          regularizer=self._regularizers.get("embeddings"),
          trainable=self._trainable)
    elif tf.is_tensor(self._existing_vocab):
      self._embeddings = tf1.get_variable(
          "embeddings", initializer=self._existing_vocab,
          regularizer=self._regularizers.get("embeddings"),
          trainable=self._trainable)
    else:
      vocab = self._existing_vocab
      dtype = tf.float32 if vocab.dtype == np.float64 else vocab.dtype
      self._embeddings = tf1.get_variable(
          "embeddings", shape=shape, dtype=dtype,
          initializer=tf1.constant_initializer(vocab),
          regularizer=self._regularizers.get("embeddings"),
          trainable=self._trainable)
    embeddings = self._embeddings
    if self._densify_gradients:
      embeddings = _densify_gradient(tf.convert_to_tensor(embeddings))
    # "div": a partitioned variable holds contiguous blocks of rows.
    return tf1.nn.embedding_lookup(embeddings, ids, partition_strategy="div")

  @property
  def vocab_size(self):
    """The number of ids."""
    return self._vocab_size

  @property
  def embed_dim(self):
    """The size of each embedding."""
    return self._embed_dim

  @property
  def embeddings(self):
    """The `[vocab_size, embed_dim]` embeddings variable.

    Raises:
      NotConnectedError: before the first connection.
    """
    self._ensure_is_connected()
    return self._embeddings


def _is_positive_int(value):
  return (isinstance(value, numbers.Integral) and not isinstance(value, bool)
          and value > 0)
