"""benlysta_coding.products: the presentations, their NDCs, strengths and routes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from benlysta_coding import products
from benlysta_coding.facts import Certainty


class TestProducts:
    def test_vials(self) -> None:
        v120, v400 = products.VIAL_120, products.VIAL_400
        assert ("49401-101-01", "49401010101") == (v120.ndc10, v120.ndc11)
        assert ("49401-102-01", "49401010201") == (v400.ndc10, v400.ndc11)
        assert (Decimal(120), Decimal(400)) == (v120.strength_mg, v400.strength_mg)
        assert ("5 mL vial", "20 mL vial") == (v120.container, v400.container)
        assert (Decimal("1.5"), Decimal("4.8")) == (
            v120.reconstitute_with_ml,
            v400.reconstitute_with_ml,
        )
        for vial in (v120, v400):
            assert Decimal(80) == vial.concentration_mg_per_ml
            assert vial.route is products.Route.IV
            assert vial.single_dose
            assert 1 == vial.units_per_carton
            assert Certainty.VERIFIED is vial.certainty

    def test_concentration_is_not_strength_over_container(self) -> None:
        # 120 mg in a 5 mL container is not 24 mg/mL: both vials are 80 mg/mL reconstituted.
        assert Decimal(24) != products.VIAL_120.concentration_mg_per_ml
        assert products.VIAL_120.strength_mg / products.VIAL_120.concentration_mg_per_ml == Decimal(
            "1.5"
        )

    @pytest.mark.parametrize(
        ("product", "ndc11", "count", "device", "inner"),
        [
            (
                products.SC_AUTOINJECTOR_1,
                "49401008802",
                1,
                products.Device.AUTOINJECTOR,
                "49401-088-01",
            ),
            (
                products.SC_AUTOINJECTOR_4,
                "49401008835",
                4,
                products.Device.AUTOINJECTOR,
                "49401-088-01",
            ),
            (
                products.SC_SYRINGE_4,
                "49401008847",
                4,
                products.Device.PREFILLED_SYRINGE,
                "49401-088-42",
            ),
        ],
    )
    def test_sc_cartons(
        self, product: products.Product, ndc11: str, count: int, device: products.Device, inner: str
    ) -> None:
        assert (ndc11, count, device, inner) == (
            product.ndc11,
            product.units_per_carton,
            product.device,
            product.inner_ndc10,
        )
        assert products.Route.SC is product.route
        assert Decimal(200) == product.concentration_mg_per_ml
        assert Certainty.VERIFIED is product.certainty
        assert Certainty.SECONDARY is product.device_certainty

    def test_unverified_carton_is_marked_not_hidden(self) -> None:
        entry = products.lookup("49401-088-61")
        assert Certainty.UNVERIFIED is entry.certainty
        assert entry.units_per_carton is None
        assert products.Device.UNKNOWN is entry.device

    def test_every_product_ndc_round_trips(self) -> None:
        from benlysta_coding import ndc

        for product in products.PRODUCTS.values():
            assert product.ndc11 == ndc.validate(product.ndc10)
            assert product.ndc10 == ndc.to_10(product.ndc11, catalogue=products.CATALOGUE)
        assert products.PRODUCTS is products.CODES
