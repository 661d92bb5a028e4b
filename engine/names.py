"""Names and ids drawn from the cluster's seeded RNG, never from global randomness."""

from __future__ import annotations

import random
import uuid

# utilrand's alphabet (staging/src/k8s.io/apimachinery/pkg/util/rand/rand.go): no vowels and
# no 0, 1 or 3, "to reduce the chance of bad words".
ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"

# names.SimpleNameGenerator (staging/src/k8s.io/apiserver/pkg/storage/names/generate.go)
MAX_GENERATED_NAME_LENGTH = 58
RANDOM_LENGTH = 5


def random_string(rng: random.Random, length: int = RANDOM_LENGTH) -> str:
    return "".join(rng.choice(ALPHANUMS) for _ in range(length))


def generate_name(rng: random.Random, base: str) -> str:
    return base[:MAX_GENERATED_NAME_LENGTH] + random_string(rng)


def new_uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def container_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"
