import os
import subprocess
import sys


def test_check_deploy_reports_no_issue_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chuyende.settings",
        "DEBUG": "false",
        "SECRET_KEY": "x7#kq2!vN9pL$wR4zT8&mB3^cF6*hJ1@dS5%gY0(eU)aI-oP_lK+nM=bV",
        "ALLOWED_HOSTS": "congdoan.example.vn",
        "VAR_DIR": str(tmp_path),
    }
    for name in ("HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)  # set by the test run itself, never in a deployment
    result = subprocess.run(
        [sys.executable, "-m", "chuyende.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
