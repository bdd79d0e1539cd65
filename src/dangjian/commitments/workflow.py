"""Who may take each step of a commitment (党员承诺“六诺”, SPEC §6, seed [002]).

The steps themselves are the ``@transition`` methods of :class:`~.models.Commitment`
(django-fsm-2): their ``source`` states make skipping impossible. Each names one of the
predicates below as its ``permission``; they take the commitment and the acting user.

- 申诺 — the member themself drafts and submits (their branch, for a member with no account);
- 议诺 — the branch, in a meeting: whoever may change the branch's records (its secretary, or
  the community above it), naming the meeting of the branch that deliberated;
- 审诺 — the higher organisation: whoever may change the branch's parent organisation;
- 示诺 — the system, the moment the higher organisation approves;
- 践诺 — the member, logging what they did;
- 评诺 — the branch opens and closes the evaluation; self, fellow members, residents and the
  organisation rate (see ``services_rating``).
"""

from __future__ import annotations

from typing import Any

from dangjian.core.access import CHANGE, scope_for


def is_the_member(commitment: Any, user: Any) -> bool:
    return user is not None and scope_for(user).member_id == commitment.member_id


def is_the_member_or_proxy(commitment: Any, user: Any) -> bool:
    """申诺 is the member's; for a member without an account (many older members have no
    phone) their branch submits it on their behalf (代为申诺), and the step says so."""
    if is_the_member(commitment, user):
        return True
    return commitment.member.user_id is None and is_the_branch(commitment, user)


def is_the_branch(commitment: Any, user: Any) -> bool:
    return scope_for(user).reaches_path(commitment.org.path, CHANGE)


def is_the_higher_organisation(commitment: Any, user: Any) -> bool:
    parent = commitment.org.parent
    return parent is not None and scope_for(user).reaches_path(parent.path, CHANGE)


def is_the_system(commitment: Any, user: Any) -> bool:
    """Publication is no person's step: it follows the approval by itself."""
    return user is None
