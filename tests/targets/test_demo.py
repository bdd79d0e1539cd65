"""The targets part of the demo, run on the test cast: each community's letter of this year,
issued by its street, signed with the secretary in office, with the default targets and two
judged ones, each noted."""

from __future__ import annotations

import random

from django.utils import timezone

from dangjian.demo.county import Community, Demo
from dangjian.demo.targets_demo import EXTRA, build
from dangjian.orgs.models import Office
from dangjian.orgs.services import office_create
from dangjian.targets.models import Letter, ProgressNote, Status
from dangjian.targets.services import default_targets

from .conftest import YEAR


def test_the_demo_signs_a_letter_for_every_community(cast, secretary):
    office_create(
        acting_user=None,
        org=cast.street_a,
        title=Office.Title.SECRETARY,
        holder_name="街道书记",
        term_start=secretary.term_start,
    )
    demo = Demo(
        cast.county,
        [cast.street_a],
        [Community(spec=None, town=cast.street_a, org=cast.comm_a)],
        cast.admin,
        timezone.localdate(),
        random.Random(1),
    )
    build(demo)
    letter = Letter.objects.get()
    assert (letter.community, letter.issuer, letter.year) == (cast.comm_a, cast.street_a, YEAR)
    assert letter.status == Status.SIGNED and letter.signer_name == "欧阳书记"
    assert letter.issuer_signatory == "街道书记"
    n = len(default_targets(community=cast.comm_a))
    assert letter.targets.exclude(indicator="").count() == n
    free = letter.targets.filter(indicator="")
    assert [t.text for t in free] == [t for t, _n in EXTRA]
    assert ProgressNote.objects.filter(target__in=free).count() == 2
