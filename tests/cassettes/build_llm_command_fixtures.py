"""Write the HAND-WRITTEN cassettes of tests/test_llm_command.py (run: python tests/cassettes/build_llm_command_fixtures.py).

``govreport llm test`` sends one tiny request; these answers are written by hand (no endpoint is reachable
where this project is developed). They test the plumbing — the request each mode sends, how the answer is
judged, errors — never a model's quality or a real latency.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_fixtures
from build_fixtures import completion, interaction

HERE = Path(__file__).resolve().parent / "test_llm_command"
DS = "https://api.deepseek.com/v1/chat/completions"
OA = "https://api.openai.com/v1/chat/completions"


def write(name: str, interactions: list, note: str) -> None:
    build_fixtures.HERE = HERE
    build_fixtures.write(name, interactions, note)


def main() -> None:
    write("test_llm_test_json_mode_ok", [interaction(DS, 200, completion('{"ok": true}', "deepseek-chat"))],
          "DeepSeek answering the connectivity probe with a JSON object.")
    write("test_llm_test_tools_mode_ok", [interaction(OA, 200, completion('{"ok": true}', "gpt-4o-mini", tool=True))],
          "OpenAI answering the probe with the forced tool call.")
    write("test_llm_test_prose_is_not_usable", [interaction(DS, 200, completion("好的，连接正常。", "deepseek-chat"))],
          "An answer in prose where JSON mode needs a JSON object.")
    write("test_llm_test_bad_key", [interaction(DS, 401, {"error": {"message": "Authentication Fails (invalid key)",
                                                                    "type": "authentication_error"}})],
          "A 401 for a wrong key.")


if __name__ == "__main__":
    main()
