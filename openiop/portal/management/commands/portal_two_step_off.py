"""Turn two-step sign-in off for a portal account whose phone is lost (audited as the staff
member named with --by, who needs the right to invite to the portal and the participant in
their programs)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from openiop.accounts.models import User
from openiop.portal import two_step


class Command(BaseCommand):
    help = "Turn two-step sign-in off for a portal account (lost phone)."

    def add_arguments(self, parser):
        parser.add_argument("account", help="the portal account's e-mail address")
        parser.add_argument("--by", required=True, help="your own staff e-mail address")

    def handle(self, *args, account, by, **options):
        actor = User.objects.filter(email__iexact=by.strip(), is_active=True).first()
        if actor is None:
            raise CommandError(f"No active staff account {by!r}.")
        try:
            removed = two_step.totp_reset(actor=actor, account_email=account)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if removed:
            self.stdout.write(
                f"Two-step sign-in is off for {account}. They sign in with the password."
            )
        else:
            self.stdout.write(f"Two-step sign-in was already off for {account}.")
