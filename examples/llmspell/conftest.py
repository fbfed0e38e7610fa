"""Put every workspace package's ``src/`` on ``sys.path`` so ``pytest examples/llmspell`` works from anywhere.

critbench's worker does the same for the bench targets; nothing here is installed.
"""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent

for _src in sorted(_HERE.glob("llmspell-*/src")):
    if str(_src) not in sys.path:
        sys.path.insert(0, str(_src))
