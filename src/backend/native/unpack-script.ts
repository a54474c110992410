/**
 * Extracts the members of a wheel (zip) or an npm package (tgz) that match patterns, with a prefix taken off their
 * names, into a folder, and refuses names that would land outside it. Python's, run with the same Python as pip, so
 * that no unzip or tar needs to be installed. Arguments: ARCHIVE DEST PREFIX PATTERN...
 */
export const unpackScript = `
import fnmatch
import os
import shutil
import sys
import tarfile
import zipfile

archive, dest, prefix, patterns = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
dest = os.path.realpath(dest)


def target(name):
    if not name.startswith(prefix) or not any(fnmatch.fnmatch(name, p) for p in patterns):
        return None
    path = os.path.realpath(os.path.join(dest, name[len(prefix):]))
    if not path.startswith(dest + os.sep):
        sys.exit(f"error: {archive} holds a member outside its folder: {name}")
    return path


def copy(source, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)


count = 0
if archive.endswith(".whl"):
    with zipfile.ZipFile(archive) as wheel:
        for info in wheel.infolist():
            path = None if info.is_dir() else target(info.filename)
            if path:
                with wheel.open(info) as source:
                    copy(source, path)
                count += 1
else:
    with tarfile.open(archive, "r:gz") as package:
        for member in package:
            path = target(member.name) if member.isfile() else None
            if path:
                copy(package.extractfile(member), path)
                count += 1
if count == 0:
    sys.exit(f"error: nothing in {archive} matches {' '.join(patterns)}")
print(count)
`;
