"""The app's process settings are made in its main, never by an import: a notebook that
imports the engine keeps its environment, its BLAS threads and its allocator."""

import os
import subprocess
import sys

import pytest

CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                            "MKL_NUM_THREADS")}


def run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=CLEAN_ENV, check=True)
    return result.stdout.strip()


def test_importing_the_engine_and_session_changes_no_environment_variable():
    out = run("import os; before = dict(os.environ)\n"
              "import unrolled, unrolled.engine, unrolled.session.stepper\n"
              "import sys; print(dict(os.environ) == before, 'unrolled.memory' in sys.modules)")
    assert out == "True False"  # nothing set, and mallopt's module not even loaded


def blas_threads(code: str) -> set[int]:
    out = run(code + "\nfrom threadpoolctl import threadpool_info\n"
              "print(sorted({p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas'}))")
    return set(eval(out))


def test_importing_the_engine_keeps_blas_threads_and_the_app_main_sets_one():
    untouched = blas_threads("import numpy, unrolled.engine")
    if untouched in (set(), {1}):
        pytest.skip(f"this NumPy's BLAS reports {untouched or 'no'} threads: nothing to tell apart")
    assert blas_threads("import numpy\nfrom unrolled.process import set_up_process; set_up_process()") == {1}


def test_a_user_who_chose_blas_threads_keeps_them(monkeypatch):
    from unrolled.process import limit_blas_threads

    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert limit_blas_threads() is False
