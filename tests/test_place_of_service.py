"""benlysta_coding.place_of_service: places of service, types of bill and claim frequencies."""

from __future__ import annotations

import datetime as dt

import pytest

from benlysta_coding import place_of_service
from benlysta_coding.errors import CodeNotInEffect, InvalidFormat, UnknownCode


class TestPlaceOfService:
    def test_codes(self) -> None:
        assert "Office" == place_of_service.lookup("11").summary
        assert "Off-campus" in place_of_service.POS_19.summary
        assert "On-campus" in place_of_service.POS_22.summary
        with pytest.raises(CodeNotInEffect):
            place_of_service.lookup("19", on=dt.date(2015, 12, 31))

    def test_type_of_bill(self) -> None:
        assert "0131" == place_of_service.bill_type("013x")
        assert "0851" == place_of_service.bill_type("085x", "1")
        with pytest.raises(UnknownCode):
            place_of_service.bill_type("011x")
        with pytest.raises(InvalidFormat):
            place_of_service.bill_type("013x", "12")
