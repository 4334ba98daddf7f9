"""The embedded model's weights, unpacked once to 16 bits for faster prompt reading (agents/llm/model_file.py)."""

from __future__ import annotations

import pytest

from agents.llm.local_server import LocalModelServer, embedded_model_path
from agents.llm.model_file import served_weights

pytestmark = pytest.mark.model


def test_the_shipped_weights_are_unpacked_once_and_the_server_loads_the_copy(tmp_path):
    environ = {"PARLEY_CACHE_DIR": str(tmp_path)}
    shipped = embedded_model_path()
    unpacked = served_weights(shipped, environ)
    assert unpacked.parent == tmp_path and unpacked != shipped and unpacked.name.endswith(".F16.gguf")
    assert unpacked.read_bytes()[:4] == b"GGUF" and unpacked.stat().st_size > 2 * shipped.stat().st_size
    written = unpacked.stat().st_mtime_ns
    assert served_weights(shipped, environ) == unpacked and unpacked.stat().st_mtime_ns == written  # not again
    assert [p.name for p in tmp_path.iterdir()] == [unpacked.name]  # no partial file left
    assert served_weights(shipped, {**environ, "PARLEY_UNPACK_MODEL": "0"}) == shipped


def test_a_file_that_cannot_be_unpacked_is_served_as_shipped_with_a_warning(tmp_path, capsys):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF but nothing else")
    served = served_weights(broken, {"PARLEY_CACHE_DIR": str(tmp_path / "cache")})
    assert served == broken
    assert "serving broken.gguf as shipped" in capsys.readouterr().err
    assert list((tmp_path / "cache").iterdir()) == []  # the partial file is gone


def test_the_server_serves_the_unpacked_copy_from_the_cache_folder(model_cache):
    assert LocalModelServer().model_path.parent == model_cache
