"""Window shapes over event time (milliseconds since the epoch, UTC).

- sliding(size):          the value as of t covers (t - size, t]
- tumbling(size):         [k*size, (k+1)*size)
- hopping(size, step):    [k*step, k*step + size), so each event is in size/step windows
- lifetime:               everything up to t
"""

from __future__ import annotations

from dataclasses import dataclass

from fresco.errors import FrescoError

KINDS = ("sliding", "tumbling", "hopping", "lifetime")


@dataclass(frozen=True)
class WindowSpec:
    kind: str
    size_ms: int = 0
    step_ms: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FrescoError(f"window kind must be one of {KINDS}, got {self.kind!r}")
        if self.kind != "lifetime" and self.size_ms <= 0:
            raise FrescoError(f"{self.kind} window needs a positive size, got {self.size_ms} ms")
        if self.kind == "hopping":
            if not 0 < self.step_ms <= self.size_ms or self.size_ms % self.step_ms:
                raise FrescoError(f"hopping window step must divide its size: size {self.size_ms} ms, "
                                  f"step {self.step_ms} ms")

    @property
    def step(self) -> int:
        return self.step_ms if self.kind == "hopping" else self.size_ms

    @property
    def fixed(self) -> bool:
        """True for windows with fixed boundaries (tumbling, hopping)."""
        return self.kind in ("tumbling", "hopping")

    def windows_of(self, ts: int) -> list[tuple[int, int]]:
        """The [start, end) windows containing `ts` (fixed windows only), oldest first."""
        step, size = self.step, self.size_ms
        start = (ts // step) * step
        out = []
        while start > ts - size:
            out.append((start, start + size))
            start -= step
        return out[::-1]
