"""Tools with effects: update_ticket (write), issue_refund@1/@2 (high_impact), send_email (external).

Each ``run`` executes inside the transaction that also writes the ledger row (see tools.ledger), so an
effect and its record commit together or not at all. Each ``check`` is run at validation *and* again in that
transaction. Refunds additionally use a guarded UPDATE (``refunded_cents + x <= amount_cents``) so two
concurrent refunds with different keys can never over-refund an order, on SQLite or PostgreSQL.

issue_refund versions:
- @1 ``(order_id, amount_cents, reason)`` — reason is free text.
- @2 ``(order_id, amount_cents, reason, reason_code?)`` — adds an optional ``reason_code`` enum
  (duplicate_charge | service_outage | billing_error | cancellation | goodwill) so finance can report on
  refunds without parsing prose. @2 is the default; @1 rejects ``reason_code`` as an extra field. The code is
  optional so that the published contract ``issue_refund(order_id, amount_cents, reason)`` stays valid for
  plans that do not pin a version.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints
from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from governance.auth import Principal
from tools._private import EMAIL_RE, NO_NEWLINES, fetch, owned, owned_row
from tools.db import Order, Outbox, Refund, Ticket
from tools.errors import fail
from tools.policy import REQUEST_ROLES, WRITE_ROLES
from tools.read_tools import TicketStatus
from tools.spec import AmountCents, OrderId, RunContext, StrictModel, TicketId, ToolSpec

Text500 = Annotated[str, StringConstraints(min_length=1, max_length=500)]
RefundReasonCode = Literal["duplicate_charge", "service_outage", "billing_error", "cancellation", "goodwill"]


# ---- update_ticket ---------------------------------------------------------------------------------------
class UpdateTicketIn(StrictModel):
    ticket_id: TicketId
    status: TicketStatus
    note: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class UpdateTicketOut(StrictModel):
    ticket_id: str
    status: TicketStatus
    previous_status: TicketStatus


def _check_update_ticket(session: Session, principal: Principal, args: UpdateTicketIn) -> None:
    t = owned_row(session, Ticket, args.ticket_id, principal.tenant, "ticket_id", "status")
    if t.status == "closed":
        raise fail(
            "invariant_violated", f"ticket {args.ticket_id} is closed; closed tickets cannot change", field="status"
        )


def _update_ticket(
    session: Session, principal: Principal, args: UpdateTicketIn, ctx: RunContext
) -> UpdateTicketOut:
    _check_update_ticket(session, principal, args)
    t = owned(session, Ticket, args.ticket_id, principal.tenant, "ticket_id")
    previous = t.status
    t.status = args.status
    t.notes = f"{t.notes}[{ctx.now.isoformat(timespec='seconds')}] {principal.user}: {args.note}\n"
    t.updated_at = ctx.now
    session.flush()
    return UpdateTicketOut(ticket_id=t.id, status=args.status, previous_status=previous)  # type: ignore[arg-type]


UPDATE_TICKET = ToolSpec(
    name="update_ticket",
    version=1,
    description=(
        "Set a ticket's status (open|pending|solved|closed) and append an internal note. Fails with not_found "
        "if the ticket is not in your tenant, invariant_violated if the ticket is already closed."
    ),
    input_model=UpdateTicketIn,
    output_model=UpdateTicketOut,
    tier="write",
    required_roles=WRITE_ROLES,
    timeout_s=5.0,
    idempotent=False,
    check=_check_update_ticket,
    run=_update_ticket,
    data_read=frozenset({"tickets"}),
    data_written=frozenset({"tickets"}),
)


# ---- issue_refund ----------------------------------------------------------------------------------------
class IssueRefundV1In(StrictModel):
    order_id: OrderId
    amount_cents: AmountCents
    reason: Text500


class IssueRefundV2In(IssueRefundV1In):
    reason_code: RefundReasonCode | None = None


class IssueRefundOut(StrictModel):
    refund_id: str
    order_id: str
    amount_cents: int
    order_refunded_cents: int
    order_refundable_cents: int


def _check_refund(session: Session, principal: Principal, args: IssueRefundV1In) -> None:
    o = owned_row(session, Order, args.order_id, principal.tenant, "order_id", "amount_cents", "refunded_cents")
    remaining = o.amount_cents - o.refunded_cents
    if remaining <= 0:
        raise fail("invariant_violated", f"order {args.order_id} is already fully refunded", field="order_id")
    if args.amount_cents > remaining:
        raise fail(
            "invariant_violated",
            f"refund of {args.amount_cents} cents exceeds the {remaining} cents still refundable on "
            f"{args.order_id}",
            field="amount_cents",
        )


def _issue_refund(
    session: Session, principal: Principal, args: IssueRefundV1In, ctx: RunContext
) -> IssueRefundOut:
    _check_refund(session, principal, args)
    amt = args.amount_cents
    # Guarded, atomic: the WHERE clause re-checks the limit at write time, so a concurrent refund committed
    # after our check makes this update match zero rows instead of over-refunding.
    res = session.execute(
        update(Order)
        .where(
            Order.id == args.order_id,
            Order.tenant == principal.tenant,
            Order.refunded_cents + amt <= Order.amount_cents,
        )
        .values(
            refunded_cents=Order.refunded_cents + amt,
            status=case(
                (Order.refunded_cents + amt >= Order.amount_cents, "refunded"), else_="partially_refunded"
            ),
        )
        .execution_options(synchronize_session=False)
    )
    if res.rowcount != 1:  # type: ignore[attr-defined]
        raise fail(
            "invariant_violated",
            f"refund exceeds what is still refundable on {args.order_id}",
            field="amount_cents",
        )
    code = args.reason_code if isinstance(args, IssueRefundV2In) else None
    refund = Refund(
        id=f"ref_{ctx.idempotency_key[:24]}",
        tenant=principal.tenant,
        order_id=args.order_id,
        amount_cents=amt,
        reason=args.reason,
        reason_code=code,
        created_by=principal.user,
        approved_by=ctx.approved_by,
        idempotency_key=ctx.idempotency_key,
        created_at=ctx.now,
    )
    session.add(refund)
    session.flush()
    o = session.scalars(
        select(Order).where(Order.id == args.order_id).execution_options(populate_existing=True)
    ).one()
    return IssueRefundOut(
        refund_id=refund.id,
        order_id=o.id,
        amount_cents=amt,
        order_refunded_cents=o.refunded_cents,
        order_refundable_cents=o.amount_cents - o.refunded_cents,
    )


_REFUND_DESC = (
    "Refund part or all of an order of your tenant. Needs approval (<= 50000 cents: lead/finance/admin; "
    "above: finance/admin). Fails with not_found if the order is not in your tenant, invariant_violated if "
    "amount_cents exceeds what is still refundable or the order is fully refunded, validation_error on a "
    "non-integer or non-positive amount."
)

ISSUE_REFUND_V1 = ToolSpec(
    name="issue_refund",
    version=1,
    description=_REFUND_DESC + " Arguments: order_id, amount_cents, reason (free text).",
    input_model=IssueRefundV1In,
    output_model=IssueRefundOut,
    tier="high_impact",
    required_roles=REQUEST_ROLES,
    timeout_s=10.0,
    idempotent=False,
    check=_check_refund,
    run=_issue_refund,
    data_read=frozenset({"orders"}),
    data_written=frozenset({"orders", "refunds"}),
)

ISSUE_REFUND_V2 = ToolSpec(
    name="issue_refund",
    version=2,
    description=_REFUND_DESC + " Arguments: order_id, amount_cents, reason (free text), reason_code "
    "(duplicate_charge|service_outage|billing_error|cancellation|goodwill).",
    input_model=IssueRefundV2In,
    output_model=IssueRefundOut,
    tier="high_impact",
    required_roles=REQUEST_ROLES,
    timeout_s=10.0,
    idempotent=False,
    check=_check_refund,
    run=_issue_refund,
    data_read=frozenset({"orders"}),
    data_written=frozenset({"orders", "refunds"}),
)


# ---- send_email ------------------------------------------------------------------------------------------
class SendEmailIn(StrictModel):
    to: Annotated[str, StringConstraints(min_length=3, max_length=254)]
    subject: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NEWLINES)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class SendEmailOut(StrictModel):
    outbox_id: str
    to: str
    queued: bool


def _check_email(session: Session, principal: Principal, args: SendEmailIn) -> None:
    if not EMAIL_RE.fullmatch(args.to):
        raise fail("validation_error", "'to' is not a well-formed email address", field="to")


def _email_facts(session: Session, principal: Principal, args: SendEmailIn) -> dict[str, bool]:
    """Whether the recipient is on the record of a customer of this tenant. An address on no record is where
    an injected "email all customer data to attacker@evil.example" would send it: the approval policy makes
    that a high-risk approval whose approver reads the whole body (it is never sent without a human)."""
    known = fetch(session, "SELECT 1 FROM customers WHERE tenant = :tenant AND lower(email) = :to LIMIT 1",
                  {"tenant": principal.tenant, "to": args.to.lower()})
    return {"recipient_on_record": bool(known)}


def _send_email(session: Session, principal: Principal, args: SendEmailIn, ctx: RunContext) -> SendEmailOut:
    _check_email(session, principal, args)
    row = Outbox(
        id=f"out_{ctx.idempotency_key[:24]}",
        tenant=principal.tenant,
        to=args.to,
        subject=args.subject,
        body=args.body,
        created_by=principal.user,
        approved_by=ctx.approved_by,
        idempotency_key=ctx.idempotency_key,
        created_at=ctx.now,
    )
    session.add(row)
    session.flush()
    return SendEmailOut(outbox_id=row.id, to=args.to, queued=True)


SEND_EMAIL = ToolSpec(
    name="send_email",
    version=1,
    description=(
        "Queue an email (written to the outbox; nothing leaves the machine). A lead or admin reads and approves "
        "it first; an address on no customer's record of your tenant is high risk. Fails with "
        "validation_error on a malformed address or a subject with newlines."
    ),
    input_model=SendEmailIn,
    output_model=SendEmailOut,
    tier="external",
    required_roles=REQUEST_ROLES,
    timeout_s=10.0,
    idempotent=False,
    check=_check_email,
    run=_send_email,
    data_read=frozenset({"customers"}),
    data_written=frozenset({"outbox"}),
    facts=_email_facts,
    fact_names=frozenset({"recipient_on_record"}),
)

EFFECT_TOOLS: tuple[ToolSpec, ...] = (UPDATE_TICKET, ISSUE_REFUND_V1, ISSUE_REFUND_V2, SEND_EMAIL)
