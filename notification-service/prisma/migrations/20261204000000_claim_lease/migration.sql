-- A claim on a notification is a lease, not a row lock held across the SMTP conversation: the
-- sender that set claimed_until owns the delivery until then (domain/notify-customer-use-case.ts).
ALTER TABLE "notifications" ADD COLUMN "claimed_until" TIMESTAMPTZ(3);
