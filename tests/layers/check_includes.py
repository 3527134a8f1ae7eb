#!/usr/bin/env python3
"""check_includes.py - every #include points down the layers, as
CMakeLists.txt declares them.

The allowed arrows are read from CMakeLists.txt itself (each
cv_core_library's DEPENDS, and the libraries cv_fcgi, cv_worker and
cv-admin link), closed transitively, so the build file stays the one
statement of the layering. Each "header.h" included by a file in a folder
must live in that folder or in one the folder may reach. Three rules of
the house are checked with it: src/ includes no FastCGI header, fcgi/
includes no MongoDB driver header (the runtime in store/ owns it), and
only src/analyzer/ includes the document libraries.

Usage: check_includes.py [REPO_ROOT]. Exit 0 when clean, 1 listing each
offending line.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else __file__).resolve()
if ROOT.is_file():
    ROOT = ROOT.parents[2]

# The folders that are layers, as CMake names their library.
FOLDERS = {f"cv_{p.name}": p for p in sorted((ROOT / "src").iterdir()) if p.is_dir()}
FOLDERS.update({"cv_fcgi": ROOT / "fcgi", "cv_worker": ROOT / "worker", "cv-admin": ROOT / "admin"})

FORBIDDEN = [  # (folder prefix, system header pattern, why)
    ("src/", r"fcgiapp\.h|fcgi_stdio\.h|fcgio\.h", "src/ knows nothing of FastCGI"),
    ("fcgi/", r"mongoc/|bson/", "fcgi/ leaves the MongoDB driver to store/ (runtime.h)"),
]
DOCUMENT_LIBS = r"poppler|zip\.h|libxml/"


def declared_edges(cmake):
    """{library: set of libraries it links} from CMakeLists.txt."""
    edges = {}
    for m in re.finditer(r"cv_core_library\((\w+)\s+DEPENDS\s+([^)]*)\)", cmake):
        edges[f"cv_{m.group(1)}"] = set(re.findall(r"\bcv_\w+", m.group(2)))
    for m in re.finditer(r"target_link_libraries\(([\w-]+)\s+(?:PUBLIC|PRIVATE)\s+([^)]*)\)",
                         cmake):
        if m.group(1) in FOLDERS:
            edges[m.group(1)] = set(re.findall(r"\bcv_\w+", m.group(2)))
    return edges


def reachable(edges, lib):
    seen, todo = {lib}, [lib]
    while todo:
        for dep in edges.get(todo.pop(), ()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def main():
    cmake = (ROOT / "CMakeLists.txt").read_text()
    edges = declared_edges(cmake)
    missing = [lib for lib in FOLDERS if lib not in edges]
    if missing:
        print(f"FAIL: CMakeLists.txt declares no dependencies for {missing}")
        return 1
    home = {}
    for lib, folder in FOLDERS.items():
        for h in folder.glob("*.h"):
            home[h.name] = lib
    problems = []
    for lib, folder in FOLDERS.items():
        allowed = reachable(edges, lib)
        rel_folder = folder.relative_to(ROOT).as_posix() + "/"
        for f in sorted(folder.glob("*.[ch]")):
            for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
                m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
                if not m:
                    continue
                where = f"{f.relative_to(ROOT)}:{n}"
                name = m.group(2)
                if m.group(1) == '"':
                    owner = home.get(name)
                    if owner is not None and owner not in allowed:
                        problems.append(f"{where}: {rel_folder} may not include {name} "
                                        f"({FOLDERS[owner].relative_to(ROOT)}/)")
                    continue
                for prefix, pattern, why in FORBIDDEN:
                    if rel_folder.startswith(prefix) and re.match(pattern, name):
                        problems.append(f"{where}: <{name}>: {why}")
                if re.match(DOCUMENT_LIBS, name) and rel_folder != "src/analyzer/":
                    problems.append(f"{where}: <{name}>: only src/analyzer/ parses documents")
    for p in problems:
        print("FAIL:", p)
    if not problems:
        print(f"ok: {len(FOLDERS)} folders, every include points down the layers of "
              "CMakeLists.txt")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
