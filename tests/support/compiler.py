"""The C++ compiler the tests that compile sources use: $CXX, else the first
of c++, g++, clang++ on PATH (None where there is none)."""
import os
import shutil


def find_cxx():
    for name in (os.environ.get("CXX"), "c++", "g++", "clang++"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None
