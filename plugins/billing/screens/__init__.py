"""The billing plugin's TUI: charge entry, taking a payment, the claims queue, the A/R aging
and the patient card's "Billing" panel. Each screen calls the same services as
``medoffice billing …``, in worker threads, through the host (docs/billing.md#screens)."""
