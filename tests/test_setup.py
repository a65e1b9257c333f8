"What scripts/setup.sh leaves behind besides the package."
import sys
from pathlib import Path


def test_nbdev2_command_names_are_aliases_of_nbdev3():
    bin_dir = Path(sys.executable).parent
    for old, new in [("nbdev_test", "nbdev-test"), ("nbdev_export", "nbdev-export"), ("nbdev_clean", "nbdev-clean")]:
        alias = bin_dir / old
        assert alias.exists(), f"{alias} missing: run bash scripts/setup.sh"
        assert alias.resolve() == (bin_dir / new).resolve()
