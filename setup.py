"""Builds snn_ipu's compiled backends with CMake (after pybind11's cmake_example)."""
import os
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class CMakeExtension(Extension):
    def __init__(self, name: str, source_dir: str = ".") -> None:
        super().__init__(name, sources=[])
        self.source_dir = os.fspath(Path(source_dir).resolve())


# The kernel libraries (one per instruction-set level) that CMake writes next
# to the module, which loads them at import: package files like the module.
KERNEL_LIBRARIES = "libsnn_ipu_kernels_*.so"


class CMakeBuild(build_ext):
    def build_extension(self, ext: CMakeExtension) -> None:
        import pybind11

        out_dir = Path(self.get_ext_fullpath(ext.name)).parent.resolve()
        for stale in out_dir.glob(KERNEL_LIBRARIES):  # of levels no longer built
            stale.unlink()
        build_type = os.environ.get("SNN_IPU_BUILD_TYPE", "Release")
        cmake_args = [
            f"-DCMAKE_LIBRARY_OUTPUT_DIRECTORY={out_dir}{os.sep}",
            f"-DPython_EXECUTABLE={sys.executable}",
            f"-Dpybind11_DIR={pybind11.get_cmake_dir()}",
            f"-DCMAKE_BUILD_TYPE={build_type}",
        ]
        cmake_args += [a for a in os.environ.get("SNN_IPU_CMAKE_ARGS", "").split() if a]
        build_args = ["--config", build_type]
        if "CMAKE_BUILD_PARALLEL_LEVEL" not in os.environ:
            build_args += [f"-j{os.cpu_count() or 1}"]

        build_temp = Path(self.build_temp) / ext.name
        build_temp.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cmake", ext.source_dir, *cmake_args], cwd=build_temp, check=True)
        subprocess.run(["cmake", "--build", ".", *build_args], cwd=build_temp, check=True)

    def _kernel_library_mapping(self):
        """(built, in-place) paths of the kernel libraries, for editable
        installs, which otherwise copy only the module into the source tree."""
        build_py = self.get_finalized_command("build_py")
        for ext in self.extensions:
            inplace_module, built_module = self._get_inplace_equivalent(build_py, ext)
            for library in sorted(Path(built_module).parent.glob(KERNEL_LIBRARIES)):
                yield str(library), str(Path(inplace_module).parent / library.name)

    def copy_extensions_to_source(self) -> None:
        super().copy_extensions_to_source()
        mapping = dict(self._kernel_library_mapping())
        for inplace in {Path(p).parent for p in mapping.values()}:
            for stale in inplace.glob(KERNEL_LIBRARIES):
                if str(stale) not in mapping.values():
                    stale.unlink()
        for built, inplace in mapping.items():
            self.copy_file(built, inplace, level=self.verbose)

    def _get_output_mapping(self):
        yield from super()._get_output_mapping()
        if self.inplace:
            yield from self._kernel_library_mapping()

    def get_outputs(self):
        outputs = super().get_outputs()
        if not self.inplace:
            outputs += [built for built, _ in self._kernel_library_mapping()]
        return outputs


setup(
    ext_modules=[CMakeExtension("snn_ipu._host")],
    cmdclass={"build_ext": CMakeBuild},
)
