"""A one-shot command runs with the cyclic collector's young generation raised, and leaves the
process's collector as it found it (threshold, nothing frozen); long-running front ends are
left alone. (The CPU this saves is measured in benchmarks/bench_api_size.py.)"""

from __future__ import annotations

import gc
import weakref

import pytest

from wizard import cli


@pytest.fixture
def default_threshold():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_one_shot_command_raises_the_young_generation_then_restores_it(default_threshold):
    seen = []
    with cli._rare_collections("diagnose"):
        seen.append(gc.get_threshold())
    assert seen == [(cli._ONE_SHOT_YOUNG_GENERATION, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0  # what the run made can still be collected


def test_restored_after_an_error_too(default_threshold):
    with pytest.raises(RuntimeError), cli._rare_collections("explain"):
        raise RuntimeError("boom")
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("command", [None, "demo", "mcp", "serve"])
def test_long_running_front_ends_keep_the_default_pace(default_threshold, command):
    with cli._rare_collections(command):
        assert gc.get_threshold() == (700, 10, 10)


def test_cycles_made_during_a_run_are_still_collected(default_threshold):
    class Node:
        pass

    with cli._rare_collections("diagnose"):
        node = Node()
        node.self = node  # a cycle reference counting cannot free
        ref = weakref.ref(node)
        del node
    gc.collect()
    assert ref() is None


def test_main_restores_the_collector(default_threshold, capsys):
    assert cli.main(["explain", "403 Forbidden"]) in (0, 1, 4)
    capsys.readouterr()
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0
