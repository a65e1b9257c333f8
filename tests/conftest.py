import os
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _kernel_start_retried(execute):
    "papermill's execute_notebook, started again once when its kernel dies before it starts: jupyter_client picks free TCP"
    " ports before the kernel binds them, so two test workers starting kernels at once can collide (`Address already in use`)."
    import functools
    @functools.wraps(execute)
    def run(*args, **kwargs):
        try: return execute(*args, **kwargs)
        except RuntimeError as e:
            if "Kernel died before replying to kernel_info" not in str(e): raise
            return execute(*args, **kwargs)
    return run


import papermill
papermill.execute_notebook = _kernel_start_retried(papermill.execute_notebook)
