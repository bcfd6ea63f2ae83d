"""Registration questions from the pages: organizers edit them on the event's manage pages,
the registration form shows them (errors next to each field, nothing written), answers show in
the attendee list and in the CSV and Excel exports (read back with openpyxl)."""
from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import Role
from liaison.registration import questions
from liaison.registration.models import Registration, RegistrationQuestion
from tests.events.test_query_counts import counting
from tests.registrations.test_questions import Q, ask


@pytest.fixture(autouse=True)
def _quiet(news):
    return news


@pytest.fixture
def event_with_questions(make_event, make_user):
    organizer = make_user(role=Role.organizer, display_name="Olga")
    event = make_event(organizer=organizer, capacity=10, title="Spotting fakes")
    made = ask(
        event, organizer,
        Q("choice", "Lunch", "午餐", required=True, choices="Vegetarian | 素食\nRegular | 普通"),
        Q("number", "Years in service", "工作年限", required=True),
        Q("date", "Date of arrival", "抵达日期", personal=True),
        Q("checkbox", "I agree to be photographed", "我同意拍照", required=True),
        Q("multi", "Ports", "口岸", choices="Shanghai | 上海\nShenzhen | 深圳"),
    )
    return event, organizer, made


def field_error(html: str, name: str) -> str | None:
    found = re.search(rf'id="{name}-feedback">([^<]*)<', html)
    return found.group(1) if found else None


def test_the_form_shows_errors_next_to_each_field_and_writes_nothing(
    client, login, participant, event_with_questions
):
    event, _organizer, (lunch, years, arrival, photo, ports) = event_with_questions
    login(participant())
    page = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "Lunch" in page and "Vegetarian" in page and 'type="date"' in page
    assert "Your answer is deleted 30 days after the event." in page  # the personal question
    response = client.post(f"/events/{event.id}/register", data={
        f"q{lunch.id}": "Fish", f"q{years.id}": "many", f"q{arrival.id}": "04/05/2026",
        f"q{ports.id}": ["Beijing"]})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field_error(html, f"q{lunch.id}") == "Choose one of the options offered."
    assert field_error(html, f"q{years.id}") == "Give a number, such as 12 or 3.5."
    assert "YYYY-MM-DD" in field_error(html, f"q{arrival.id}")
    assert field_error(html, f"q{photo.id}") == "Tick this box to register."
    assert field_error(html, f"q{ports.id}") == "Choose only from the options offered."
    assert 'value="many"' in html  # what was typed stays in the form
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_good_answers_register_and_show_to_the_organizers(
    client, login, participant, event_with_questions
):
    event, organizer, (lunch, years, arrival, photo, ports) = event_with_questions
    person = login(participant(display_name="Chen Jie"))
    response = client.post(f"/events/{event.id}/register", data={
        f"q{lunch.id}": "Vegetarian", f"q{years.id}": "7", f"q{arrival.id}": "2026-05-04",
        f"q{photo.id}": "y", f"q{ports.id}": ["Shanghai", "Shenzhen"]})
    assert response.status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    assert registration.user_id == person.id and len(registration.answers) == 5
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Your answers to the organizers' questions" in page

    login(organizer)
    roster = client.get(f"/events/{event.id}/registrations").get_data(as_text=True)
    assert "Answers (5 of 5)" in roster and "<dd>Shanghai, Shenzhen</dd>" in roster


def test_answers_in_csv_and_xlsx_in_the_readers_language(
    client, login, participant, event_with_questions
):
    event, organizer, (lunch, years, arrival, photo, ports) = event_with_questions
    person = participant(display_name="Chen Jie", display_name_zh="陈杰")
    questions.register_answering(event, person, {
        str(lunch.id): "素食", str(years.id): 7, str(photo.id): True,
        str(ports.id): ["Shenzhen"], str(arrival.id): "2026-05-04"}, strict=True)
    db.session.commit()
    login(organizer)
    body = client.get(f"/events/{event.id}/registrations.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    header, row = rows[0], rows[1]
    answers = dict(zip(header[6:], row[6:], strict=True))
    assert answers == {"Lunch": "Vegetarian", "Years in service": "7",
                       "Date of arrival": "2026-05-04", "I agree to be photographed": "Yes",
                       "Ports": "Shenzhen"}

    response = client.get(f"/events/{event.id}/registrations.xlsx")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:2] == ("Name", "Email") and table[0][6] == "Lunch"
    assert table[1][0] == "Chen Jie" and table[1][6:] == (
        "Vegetarian", 7, "2026-05-04", "Yes", "Shenzhen")

    organizer.language = "zh"
    db.session.commit()
    sheet = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/events/{event.id}/registrations.xlsx").data), read_only=True).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][6:8] == ("午餐", "工作年限") and table[1][0] == "陈杰"
    assert table[1][6] == "素食" and table[1][9] == "是"


def test_a_name_that_looks_like_a_formula_stays_text_in_excel(
    client, login, participant, event_with_questions, make_event
):
    event, organizer, _made = event_with_questions
    other = make_event(organizer=organizer)
    db.session.add(Registration(event=other, user=participant(display_name='=HYPERLINK("x")'),
                                status="confirmed"))
    db.session.commit()
    login(organizer)
    book = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/events/{other.id}/registrations.xlsx").data))
    cell = book.active["A2"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


def test_organizers_edit_the_questions_on_the_manage_pages(client, login, make_event, make_user):
    organizer = make_user(role=Role.organizer)
    event = make_event(organizer=organizer)
    login(organizer)
    assert "Registration questions" in client.get(f"/events/{event.id}").get_data(as_text=True)
    refused = client.post(f"/events/{event.id}/questions", data={
        "kind": "choice", "label": "Lunch", "choices": "Only one"})
    assert refused.status_code == 200
    assert "Give at least two options" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(RegistrationQuestion)) == 0
    for label in ("Lunch", "Badge name"):
        added = client.post(f"/events/{event.id}/questions", data={
            "kind": "choice" if label == "Lunch" else "text", "label": label,
            "label_zh": "午餐" if label == "Lunch" else "", "choices": "Fish | 鱼\nRice | 米饭",
            "required": "y"})
        assert added.status_code == 302
    lunch, badge = questions.event_questions(event.id)
    assert lunch.choices[1].zh == "米饭" and badge.choices == []
    edit = client.post(f"/events/{event.id}/questions/{badge.id}/edit", data={
        "kind": "text", "label": "Name on the badge", "label_zh": "胸牌姓名", "personal": "y"})
    assert edit.status_code == 302
    client.post(f"/events/{event.id}/questions/{badge.id}/up")
    assert [q.label for q in questions.event_questions(event.id)] == [
        "Name on the badge", "Lunch"]
    client.post(f"/events/{event.id}/questions/{lunch.id}/delete")
    assert [q.label for q in questions.event_questions(event.id)] == ["Name on the badge"]
    other = make_event(organizer=make_user(role=Role.organizer))
    assert client.post(f"/events/{other.id}/questions/{badge.id}/delete").status_code == 403


def test_a_nominee_is_asked_for_the_missing_answers(
    client, login, participant, event_with_questions
):
    event, _organizer, (lunch, years, _arrival, photo, _ports) = event_with_questions
    person = login(participant())
    db.session.add(Registration(event=event, user=person, status="confirmed"))
    db.session.commit()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "The organizers still need your answers to 3 questions." in page
    registration = db.session.scalars(select(Registration)).one()
    response = client.post(f"/registrations/{registration.id}/answers", data={
        f"q{lunch.id}": "Regular", f"q{years.id}": "3.5", f"q{photo.id}": "y"})
    assert response.status_code == 302
    assert questions.unanswered_required(registration) == []


@pytest.mark.parametrize("page", ["register", "questions"])
def test_question_pages_run_the_same_queries_for_3_or_25_questions(
    client, login, make_event, make_user, page
):
    organizer = make_user(role=Role.organizer)
    event = make_event(organizer=organizer)
    login(organizer)
    url = f"/events/{event.id}/{page}"

    def statements(n: int) -> int:
        while len(questions.event_questions(event.id)) < n:
            ask(event, organizer, Q("choice", f"Question {n}", choices="A\nB"))
        db.session.expire_all()
        with counting() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    assert statements(3) == statements(25)


def test_the_attendee_list_reads_answers_in_one_query(
    client, login, participant, event_with_questions
):
    event, organizer, (lunch, years, _arrival, photo, _ports) = event_with_questions
    login(organizer)

    def statements(n: int) -> int:
        while db.session.scalar(select(func.count()).select_from(Registration)) < n:
            questions.register_answering(event, participant(), {
                str(lunch.id): "Regular", str(years.id): 1, str(photo.id): True}, strict=True)
            db.session.commit()
        db.session.expire_all()
        with counting() as seen:
            assert client.get(f"/events/{event.id}/registrations").status_code == 200
        return len(seen)

    assert statements(2) == statements(9)
