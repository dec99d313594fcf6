"""Tests for sonnet.src.reflection."""

import collections
import functools
import warnings

from absl.testing import parameterized
import sonnet as snt
from sonnet.python.modules import util
from sonnet.src import reflection
from sonnet.src import test_utils
import tensorflow as tf

tf1 = tf.compat.v1


def _fixed(x, is_training, keep_prob=1.0):
  del is_training, keep_prob
  return x


def _open(x, is_training=True, **kwargs):
  del is_training, kwargs
  return x


def _keyword_only(x, *, is_training):
  del is_training
  return x


def _positional_only(x, is_training, /):
  del is_training
  return x


class _WithTraining(snt.AbstractModule):

  def __init__(self, name="with_training"):
    super().__init__(name=name)

  def _build(self, x, is_training=True):
    del is_training
    return x


class _Callable:

  def __call__(self, x, scale=1.0):
    return x * scale


class HasVariableScopeTest(test_utils.TestCase):

  @test_utils.in_all_modes
  def test_modules_and_templates(self):
    self.assertTrue(snt.has_variable_scope(snt.Linear(2)))  # Unconnected.
    self.assertTrue(snt.has_variable_scope(tf1.make_template("t", lambda x: x)))
    self.assertTrue(snt.has_variable_scope(_WithTraining))

  def test_other_objects(self):
    for obj in (None, 1, _fixed, _Callable(), tf1.VariableScope(False)):
      self.assertFalse(snt.has_variable_scope(obj), obj)


class SupportsKwargsTest(test_utils.TestCase, parameterized.TestCase):

  def test_constants(self):
    self.assertEqual((util.SUPPORTED, util.MAYBE_SUPPORTED, util.NOT_SUPPORTED),
                     ("supported", "maybe_supported", "not_supported"))

  @parameterized.parameters(
      (_fixed, ["is_training"], reflection.SUPPORTED),
      (_fixed, ["is_training", "keep_prob"], reflection.SUPPORTED),
      (_fixed, "keep_prob", reflection.SUPPORTED),
      (_fixed, [], reflection.SUPPORTED),
      (_fixed, ["is_training", "seed"], reflection.NOT_SUPPORTED),
      (_open, ["is_training"], reflection.SUPPORTED),
      (_open, ["seed"], reflection.MAYBE_SUPPORTED),
      (_open, ["seed", "is_training"], reflection.MAYBE_SUPPORTED),
      (_keyword_only, ["is_training"], reflection.SUPPORTED),
      (_positional_only, ["is_training"], reflection.NOT_SUPPORTED),
      (_Callable(), ["scale"], reflection.SUPPORTED),
      (_Callable(), ["x", "shift"], reflection.NOT_SUPPORTED),
      (lambda x, **kw: x, ["anything"], reflection.MAYBE_SUPPORTED),
      (functools.partial(_fixed, keep_prob=0.5), ["keep_prob"
                                                 ], reflection.SUPPORTED),
      (functools.partial(_fixed, 1, True), ["is_training"
                                           ], reflection.NOT_SUPPORTED),
      (collections.OrderedDict, ["other"], reflection.MAYBE_SUPPORTED),
  )
  def test_functions(self, fn, kwargs_list, expected):
    self.assertEqual(snt.supports_kwargs(fn, kwargs_list), expected)

  def test_not_supported_wins_over_maybe(self):

    def f(x, *args):
      del args
      return x

    self.assertEqual(snt.supports_kwargs(f, ["y"]), reflection.NOT_SUPPORTED)

  @test_utils.in_all_modes
  def test_modules_use_build(self):
    self.assertEqual(snt.supports_kwargs(_WithTraining(), ["is_training"]),
                     reflection.SUPPORTED)
    self.assertEqual(snt.supports_kwargs(snt.Linear(2), ["is_training"]),
                     reflection.NOT_SUPPORTED)
    self.assertEqual(
        snt.supports_kwargs(snt.BatchNorm(),
                            ["is_training", "test_local_stats"]),
        reflection.SUPPORTED)
    self.assertEqual(snt.supports_kwargs(snt.Sequential([]), ["is_training"]),
                     reflection.NOT_SUPPORTED)  # _build(self, *args).
    self.assertEqual(snt.supports_kwargs(snt.Module(_fixed), ["is_training"]),
                     reflection.MAYBE_SUPPORTED)  # _build(*args, **kwargs).

  def test_class_uses_constructor(self):
    self.assertEqual(snt.supports_kwargs(snt.Linear, ["output_size"]),
                     reflection.SUPPORTED)

  def test_errors(self):
    with self.assertRaisesRegex(TypeError, "callable, got 3"):
      snt.supports_kwargs(3, ["x"])
    with self.assertRaisesRegex(ValueError,
                                "kwargs should be strings, instead got 1"):
      snt.supports_kwargs(_fixed, [1])


class RemoveUnsupportedKwargsTest(test_utils.TestCase):

  def test_filters(self):
    kwargs = {"is_training": False, "keep_prob": 0.2, "seed": 3}
    self.assertEqual(snt.remove_unsupported_kwargs(_fixed, kwargs),
                     {"is_training": False, "keep_prob": 0.2})
    self.assertEqual(snt.remove_unsupported_kwargs(_open, kwargs), kwargs)
    self.assertEqual(snt.remove_unsupported_kwargs(_fixed, None), {})
    self.assertEqual(kwargs["seed"], 3)  # Input untouched.

  @test_utils.in_all_modes
  def test_modules(self):
    kwargs = {"is_training": True, "seed": 1}
    self.assertEqual(snt.remove_unsupported_kwargs(_WithTraining(), kwargs),
                     {"is_training": True})
    self.assertEqual(snt.remove_unsupported_kwargs(snt.Linear(2), kwargs), {})

  def test_not_a_dict(self):
    with self.assertRaisesRegex(ValueError, "must be a dict"):
      snt.remove_unsupported_kwargs(_fixed, [("is_training", True)])


class ParseStringToConstructorTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(
      ("snt.Linear", lambda: snt.Linear),
      ("sonnet.Linear", lambda: snt.Linear),
      ("Linear", lambda: snt.Linear),
      ("snt.nets.MLP", lambda: snt.nets.MLP),
      ("sonnet.python.modules.basic.Linear", lambda: snt.Linear),
      ("tensorflow.nn.relu", lambda: tf.nn.relu),
      ("tf.nn.relu", lambda: tf.nn.relu),
      ("collections.OrderedDict", lambda: collections.OrderedDict),
      ("  snt.LSTM ", lambda: snt.LSTM),
  )
  def test_resolves(self, ctor_string, expected):
    self.assertIs(snt.parse_string_to_constructor(ctor_string), expected())

  @parameterized.parameters(
      ("snt.NoSuchModule", r"^could not find `snt.NoSuchModule`, after "
       r"normalizing to `sonnet.NoSuchModule`: 'sonnet' has no attribute "
       r"'NoSuchModule'"),
      ("no_such_thing", r"^could not find `no_such_thing`, after normalizing "
       r"to `sonnet.no_such_thing`"),
      ("tf.nn.no_such_op", r"'tensorflow.nn' has no attribute 'no_such_op'"),
      ("snt..Linear", "not a dotted name"),
      ("snt.Linear(3)", "not a dotted name"),
      ("", "not a dotted name"),
  )
  def test_bad_strings(self, ctor_string, message):
    with self.assertRaisesRegex(ValueError, message):
      snt.parse_string_to_constructor(ctor_string)

  def test_unimportable_package(self):
    with self.assertRaisesRegex(ImportError, "no_such_package_xyz"):
      snt.parse_string_to_constructor("no_such_package_xyz.Foo")

  def test_not_a_string(self):
    with self.assertRaisesRegex(TypeError, "dotted name"):
      snt.parse_string_to_constructor(snt.Linear)


class DeprecationWarningTest(test_utils.TestCase):

  def test_once_per_message(self):
    with warnings.catch_warnings(record=True) as caught:
      warnings.simplefilter("always")
      with self.assertLogs(level="WARNING") as logs:
        snt.deprecation_warning("Use snt.Foo instead of snt.Bar (test 1).")
        snt.deprecation_warning("Use snt.Foo instead of snt.Bar (test 1).")
        snt.deprecation_warning("Use snt.Baz (test 2).")
    self.assertEqual(
        [r.getMessage() for r in logs.records],
        ["Use snt.Foo instead of snt.Bar (test 1).", "Use snt.Baz (test 2)."])
    self.assertEqual([(w.category, str(w.message)) for w in caught], [
        (DeprecationWarning, "Use snt.Foo instead of snt.Bar (test 1)."),
        (DeprecationWarning, "Use snt.Baz (test 2).")])
    self.assertEqual(caught[0].filename, __file__)


class ToSnakeCaseTest(test_utils.TestCase, parameterized.TestCase):

  @parameterized.parameters(
      ("Linear", "linear"),
      ("BatchNormLSTM", "batch_norm_lstm"),
      ("getHTTPResponse", "get_http_response"),
      ("Conv2D", "conv_2d"),
      ("ConvNet2DTranspose", "conv_net_2d_transpose"),
      ("MLP", "mlp"),
      ("GRU2", "gru2"),  # No lower-case letter before the number.
      ("layer3Norm7", "layer_3_norm_7"),
      ("version12ab34_x", "version_12ab34_x"),  # A word up to the "_".
      ("block2_conv3", "block_2_conv_3"),
      ("_Hidden_", "hidden"),
      ("snake_already", "snake_already"),
  )
  def test_names(self, camel_case, expected):
    self.assertEqual(reflection.to_snake_case(camel_case), expected)
    self.assertIs(util.to_snake_case, reflection.to_snake_case)

  @parameterized.parameters("2D", "my-module", "", "a b")
  def test_not_an_identifier(self, name):
    with self.assertRaisesRegex(
        ValueError, "Input string %s is not a valid Python identifier." % name):
      reflection.to_snake_case(name)


class NameForCallableTest(test_utils.TestCase):

  def test_functions_classes_and_partials(self):

    def halveAndAdd(x, y):  # pylint: disable=invalid-name
      return x / 2 + y

    self.assertEqual(util.name_for_callable(halveAndAdd), "halve_and_add")
    self.assertEqual(util.name_for_callable(snt.BatchNormV2), "batch_norm_v2")
    nested = functools.partial(functools.partial(halveAndAdd, 1.), y=2.)
    self.assertEqual(reflection.name_for_callable(nested), "halve_and_add")

  def test_no_name(self):
    self.assertIsNone(reflection.name_for_callable(lambda x: x))
    self.assertIsNone(reflection.name_for_callable(_Callable()))
    self.assertIsNone(
        reflection.name_for_callable(functools.partial(lambda x, y: x, 1)))


if __name__ == "__main__":
  test_utils.main()
