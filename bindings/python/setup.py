# SPDX-License-Identifier: MIT
"""Only for wheels that bundle the C library: the metadata is in pyproject.toml.

A wheel with a bundled libmailslot (see build_wheel.py) is not pure Python: it
is laid out as a platform wheel and tagged py3-none-<platform> (any Python 3,
no extension-module ABI, this platform), so pip installs it only where the
library runs. On Linux the platform is the manylinux_2_X_<arch> that
build_wheel.py computed and wrote to the staged setup.cfg (bdist_wheel's
plat_name).
"""

import os

from setuptools import setup
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = [
    name
    for name in ("libmailslot.so", "libmailslot.dylib", "mailslot.dll")
    if os.path.exists(os.path.join(HERE, "src", "mailslot", name))
]

options = {}
if BUNDLED:
    from wheel.bdist_wheel import bdist_wheel

    class BinaryDistribution(Distribution):
        def has_ext_modules(self):
            return True

    class PlatformWheel(bdist_wheel):
        def get_tag(self):
            _, _, platform = super().get_tag()
            return "py3", "none", platform

    options = {"distclass": BinaryDistribution, "cmdclass": {"bdist_wheel": PlatformWheel}}

setup(**options)
