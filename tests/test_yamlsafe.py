import pytest

from engine.yamlsafe import YAMLTooLargeError, load_all


def test_documents_load_normally():
    assert load_all("a: 1\n---\nb: [1, 2]\n") == [{"a": 1}, {"b": [1, 2]}]


def test_an_alias_bomb_is_refused_before_it_expands():
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for new, old in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{new}: &{new} [" + ",".join([f"*{old}"] * 9) + "]\n"
    with pytest.raises(YAMLTooLargeError, match="aliases expand"):
        load_all(bomb)


def test_deep_nesting_and_huge_pastes_are_refused():
    with pytest.raises(YAMLTooLargeError, match="deeper"):
        load_all("[" * 1200 + "]" * 1200)
    with pytest.raises(YAMLTooLargeError, match="larger"):
        load_all("a: " + "x" * (1024 * 1024))
