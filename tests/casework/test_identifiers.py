"""Resident ID numbers: format, birth date and check digit; the region code is not aged.

A number keeps the region code of the place where it was first issued, and that
code may be younger than its holder: 450103 (青秀区) dates from 1983 and 450123
(隆安县) from 2002, yet people born in 1965 carry both.
"""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from casework.identifiers import mask_number, validate_id_number
from tests.factories import client_for, make_enterprise, make_user
from tests.registry.factories import valid_id_number

GENUINE = [
    valid_id_number(n, region=region, born=born)
    for n, (region, born) in enumerate(
        (region, born)
        for region in ("450103", "450123")
        for born in ("19650312", "19750704", "20010101")
    )
]


@pytest.mark.parametrize("number", GENUINE)
def test_a_genuine_number_is_valid_whatever_the_age_of_its_region_code(number):
    validate_id_number(number)


def test_these_are_the_numbers_a_region_and_year_check_refuses():
    # python-stdnum ties the region code to the birth year: all but 450103/2001 fail it.
    refused = [number[6:10] + "@" + number[:6] for number in GENUINE if not ric.is_valid(number)]
    assert refused == [
        "1965@450103",
        "1975@450103",
        "1965@450123",
        "1975@450123",
        "2001@450123",
    ]


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("45010319900101001", "length"),
        ("4501031990010100A8", "format"),
        ("450103１99001010018", "format"),  # a full-width digit is not an ASCII digit
        (valid_id_number(1, born="19900230")[:17] + "0", "birth_date"),
        (valid_id_number(1, born="18991231"), "birth_date"),
        (valid_id_number(1, born="21000101"), "birth_date"),
    ],
)
def test_a_bad_number_is_refused_with_its_reason(number, code):
    with pytest.raises(ValidationError) as refused:
        validate_id_number(number)
    assert refused.value.code == code


def test_a_wrong_check_digit_is_refused_as_such():
    number = valid_id_number(7, region="450123", born="19650312")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as refused:
        validate_id_number(wrong)
    assert refused.value.code == "checksum"


@pytest.mark.django_db
@pytest.mark.parametrize("number", GENUINE)
def test_an_officer_registers_a_worker_born_before_the_region_code(number):
    enterprise = make_enterprise(jurisdiction=number[:6])
    officer = make_user(role="officer", jurisdiction=number[:6])

    response = client_for(officer).post(
        "/api/v1/workers/",
        {
            "enterprise_uscc": enterprise.uscc,
            "id_number": number,
            "name": "老工人",
            "job": "operator",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert enterprise.workers.get().id_number == number


@pytest.mark.parametrize(
    ("number", "masked"),
    [("T450103199001010018", "***************0018"), ("AB123456", "********"), ("", "")],
)
def test_other_numbers_show_at_most_their_last_four_characters(number, masked):
    assert mask_number(number) == masked
