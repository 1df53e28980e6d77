"""The page checks used by view tests: unlabelled form controls and ids used twice are found."""

from muang.testing.html_checks import duplicate_ids, unlabelled_controls


def test_labelled_controls_pass():
    html = """
      <label for="a">A</label><input id="a" name="a">
      <label>B <input name="b" type="checkbox"></label>
      <select name="c" aria-label="C"></select>
      <input type="hidden" name="csrf"><button type="submit">Go</button><input type="submit" value="Go">
    """
    assert unlabelled_controls(html) == [] and duplicate_ids(html) == []


def test_unlabelled_controls_and_repeated_ids_are_named():
    html = """
      <label>Status</label><select name="status" id="id_status"></select>
      <textarea name="message" id="id_message"></textarea>
      <label for="id_message">Message</label><input name="message" id="id_message">
      <input type="file" name="photos">
    """
    assert unlabelled_controls(html) == [
        "<select name='status' id='id_status'>",
        "<input name='photos' id=''>",
    ]
    assert duplicate_ids(html) == ["id_message"]
