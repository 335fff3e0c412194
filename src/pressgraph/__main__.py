"""The ``pressgraph`` command (and ``python -m pressgraph``).

Before numpy loads, BLAS is held to one thread unless the caller chose otherwise: pressgraph's
numpy work is many small products per article (the quote tagger's layers, linking's vector
cosines), where OpenBLAS's extra threads only spin.  On 60 news texts ``extract`` spent 20-40%
more CPU with the default threads than with one, for the same output; bare spaCy (thinc
multiplies with BLIS, which is single-threaded by default) was unchanged.  One thread also keeps
worker processes (``--workers``, ``run``) from oversubscribing the cores.
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")


def main() -> None:
    from pressgraph.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
