-- Hand-mended: drizzle-kit splits an expression index's text at its commas; these are the schema's LAST_SEEN and LIVE_RENTAL.
CREATE INDEX `rentals_in_play` ON `rentals` (max(updated_at, coalesce(checked_at, ''))) WHERE (status IN ('requested', 'confirmed') OR (status IN ('cancelled', 'declined') AND json_extract(snapshot, '$.payment.status') IN ('pending', 'authorized', 'captured')));--> statement-breakpoint
CREATE INDEX `rider_dues_open` ON `rider_dues` (max(updated_at, coalesce(checked_at, ''))) WHERE amount > 0;
