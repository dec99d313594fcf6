"""rnn_shakespeare under tf.distribute; its SavedModel sampled without Sonnet.

Tiny sizes, a few steps: MirroredStrategy over two logical CPUs trains as
one device does on the same global batch; two local worker processes
(MultiWorkerMirroredStrategy, ports picked at run time) end with identical
weights; `--export_dir` writes a SavedModel that sample_shakespeare.py
samples in a process that never imports Sonnet, as the model does here.
"""

import os
import socket
import subprocess
import sys

from sonnet.src import test_utils
import tensorflow as tf

from examples import rnn_shakespeare
from examples import shakespeare_data

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_TINY = dict(lstm_depth=2, hidden_size=16, embedding_size=8, batch_size=8,
             truncation_length=12)
_TIMEOUT_S = 300


def setUpModule():
  cpu = tf.config.list_physical_devices("CPU")[0]
  if not tf.config.get_logical_device_configuration(cpu):
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


def _config(checkpoint_dir, mode="eager", steps=3, **overrides):
  values = dict(mode=mode, num_training_iterations=steps, report_interval=1,
                checkpoint_interval=100, reduce_learning_rate_interval=1000,
                learning_rate=1e-2, learning_rate_decay=0.5, max_grad_norm=0.5,
                eval_length=32, max_eval_chars=200, sample_length=12,
                sample_temperature=0.0, sample_prime="ROMEO:\n",
                checkpoint_dir=checkpoint_dir, seed=1, **_TINY)
  values.update(overrides)
  return rnn_shakespeare.Config(**values)


def _model_weights(checkpoint_dir):
  """{name: value} of the model's variables in the latest checkpoint."""
  reader = tf.train.load_checkpoint(checkpoint_dir)
  return {
      name: reader.get_tensor(name)
      for name in reader.get_variable_to_shape_map()
      if name.startswith("model/") and "OPTIMIZER_SLOT" not in name}


def _env():
  env = dict(os.environ, PYTHONPATH=os.pathsep.join([_ROOT] + sys.path))
  env.pop("SONNET_TEST_TF1_BEHAVIOR", None)
  env.pop("TF_CONFIG", None)
  return env


def _free_ports(count):
  """Ports the system hands out now (bound to port 0, then released)."""
  sockets = [socket.socket() for _ in range(count)]
  for s in sockets:
    s.bind(("127.0.0.1", 0))
  ports = [s.getsockname()[1] for s in sockets]
  for s in sockets:
    s.close()
  return ports


class DistributeTest(test_utils.TestCase):

  @classmethod
  def setUpClass(cls):
    super().setUpClass()
    cls.data = shakespeare_data.TinyShakespeare(max_chars=20000)

  @test_utils.in_eager_mode
  def test_mirrored_trains_as_one_device(self):
    one = os.path.join(self.get_temp_dir(), "one_device")
    two = os.path.join(self.get_temp_dir(), "mirrored")
    single = rnn_shakespeare.train(_config(one), self.data)
    mirrored = rnn_shakespeare.train(_config(two, strategy="mirrored"),
                                     self.data)
    self.assertEqual([r.step for r in mirrored.history], [1, 2, 3])
    self.assertAllClose([r.train_loss for r in mirrored.history],
                        [r.train_loss for r in single.history], rtol=1e-5)
    self.assertAllClose(mirrored.test_loss, single.test_loss, rtol=1e-5)
    self.assertEqual(mirrored.sample, single.sample)
    want = _model_weights(os.path.join(one, "eager"))
    got = _model_weights(os.path.join(two, "eager"))
    self.assertCountEqual(got, want)
    self.assertLen(want, 1 + 2 * 2 + 2)  # Embed, 2 LSTMs, output Linear.
    for name in want:
      self.assertAllClose(got[name], want[name], atol=1e-5, msg=name)

  def test_strategy_needs_eager_mode(self):
    with self.assertRaisesRegex(ValueError, "add --mode=eager"):
      rnn_shakespeare.train(
          _config(self.get_temp_dir(), mode="graph", strategy="mirrored"),
          self.data)

  def _sample_without_sonnet(self, export_dir, prime, length, temperature,
                             seed):
    """sample_shakespeare.sample in a fresh process that never loads Sonnet."""
    code = ("import sys\n"
            "from examples import sample_shakespeare\n"
            "text = sample_shakespeare.sample(%r, %r, %d, %r, %d)\n"
            "assert 'sonnet' not in sys.modules, [m for m in sys.modules if "
            "m.startswith('sonnet')]\n"
            "print(repr(text))\n" %
            (export_dir, prime, length, temperature, seed))
    result = subprocess.run([sys.executable, "-c", code], env=_env(), cwd=_ROOT,
                            capture_output=True, text=True, timeout=_TIMEOUT_S,
                            check=False)
    self.assertEqual(result.returncode, 0, result.stderr[-3000:])
    last_line = result.stdout.strip().splitlines()[-1]
    return eval(last_line)  # pylint: disable=eval-used

  def check_export(self, mode):
    ckpt = os.path.join(self.get_temp_dir(), "export_" + mode)
    export_dir = os.path.join(ckpt, "saved_model")
    config = _config(ckpt, mode=mode, steps=2, export_dir=export_dir)
    result = rnn_shakespeare.train(config, self.data)
    self.assertTrue(tf.saved_model.contains_saved_model(export_dir))
    # Greedy: the text the trained model itself wrote at the end.
    self.assertEqual(
        self._sample_without_sonnet(export_dir, "ROMEO:\n", 12, 0.0, 0),
        result.sample)
    return config

  @test_utils.in_eager_mode
  def test_export_from_eager_and_sample_without_sonnet(self):
    config = self.check_export("eager")
    # Seeded: the same text in this process (with Sonnet) and without it.
    exported = rnn_shakespeare.export_from_checkpoint(
        config._replace(export_dir=os.path.join(self.get_temp_dir(), "again")),
        self.data)
    here = exported.sample(tf.constant("JULIET:\n"), tf.constant(30),
                           tf.constant(0.8), tf.constant(7, tf.int64))
    self.assertEqual(
        self._sample_without_sonnet(config.export_dir, "JULIET:\n", 30, 0.8, 7),
        here.numpy().decode())
    # The program prints the prime and the text (after a line saying it
    # imported TensorFlow).
    program = subprocess.run([
        sys.executable,
        os.path.join(_ROOT, "examples", "sample_shakespeare.py"),
        "--export_dir=" + config.export_dir, "--prime=JULIET:\n", "--length=30",
        "--temperature=0.8", "--seed=7"], env=_env(), cwd=_ROOT,
                             capture_output=True, text=True, timeout=_TIMEOUT_S,
                             check=False)
    self.assertEqual(program.returncode, 0, program.stderr[-3000:])
    printed = "JULIET:\n" + here.numpy().decode() + "\n"
    self.assertEqual(program.stdout[-len(printed):], printed)

  @test_utils.in_eager_mode
  def test_export_from_graph_mode(self):
    self.check_export("graph")

  def test_multi_worker_two_processes_end_with_identical_weights(self):
    ckpt = os.path.join(self.get_temp_dir(), "multi_worker")
    workers = ",".join("127.0.0.1:%d" % port for port in _free_ports(2))
    args = [
        sys.executable,
        os.path.join(_ROOT, "examples", "rnn_shakespeare.py"), "--mode=eager",
        "--strategy=multi_worker", "--workers=" + workers, "--checkpoint_dir=" +
        ckpt, "--num_training_iterations=3", "--report_interval=1",
        "--max_eval_chars=200", "--eval_length=32", "--sample_length=8",
        "--seed=1"] + ["--%s=%d" % item for item in _TINY.items()]
    logs = [
        os.path.join(self.get_temp_dir(), "worker_%d.log" % task)
        for task in range(2)]
    procs = []
    try:
      for task, log in enumerate(logs):
        with open(log, "wb") as out:
          procs.append(
              subprocess.Popen(args + ["--task=%d" % task], env=_env(),
                               cwd=_ROOT, stdout=out, stderr=subprocess.STDOUT))
      codes = [proc.wait(timeout=_TIMEOUT_S) for proc in procs]
    finally:
      for proc in procs:
        proc.kill()
        proc.wait()
    for code, log in zip(codes, logs):
      with open(log, encoding="utf-8") as f:
        self.assertEqual(code, 0, f.read()[-3000:])
    with open(logs[0], encoding="utf-8") as f:
      self.assertIn("Strategy: multi_worker, 2 replicas in sync.", f.read())
    chief = _model_weights(os.path.join(ckpt, "eager"))
    other = _model_weights(os.path.join(ckpt, "eager", "worker_1"))
    self.assertLen(chief, 7)
    self.assertCountEqual(other, chief)
    for name in chief:
      self.assertAllEqual(other[name], chief[name], msg=name)
    self.assertEqual(
        int(
            tf.train.load_checkpoint(os.path.join(
                ckpt,
                "eager")).get_tensor("global_step/.ATTRIBUTES/VARIABLE_VALUE")),
        3)


if __name__ == "__main__":
  test_utils.main()
