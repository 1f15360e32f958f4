from pathlib import Path

from tests.helpers.samples.build import build_all

if __name__ == "__main__":
    for path in build_all(Path.cwd()):
        print(path)
