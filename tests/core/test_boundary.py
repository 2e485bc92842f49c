import subprocess
import sys
import textwrap


def test_core_imports_with_pyside6_unimportable():
    """The core must run headless: import all of it with PySide6 and ui/ blocked."""
    code = textwrap.dedent("""
        import sys, importlib, pkgutil
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('PySide6', 'ui'):
                    raise ImportError('blocked: ' + name)
        sys.meta_path.insert(0, Block())
        import rso_manager
        for mod in pkgutil.walk_packages(rso_manager.__path__, 'rso_manager.'):
            if '.migrations' in mod.name:
                continue
            importlib.import_module(mod.name)
        assert not any(m.startswith('PySide6') for m in sys.modules)
        print('ok')
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
