CREATE INDEX `drivers_on_duty` ON `drivers` (max(updated_at, coalesce(checked_at, ''))) WHERE status IN ('available', 'offered', 'on_trip');--> statement-breakpoint
CREATE INDEX `rides_behind` ON `rides` (max(updated_at, coalesce(checked_at, ''))) WHERE (status NOT IN ('completed', 'cancelled') OR (status = 'cancelled' AND payment_status IN ('pending', 'authorized')));--> statement-breakpoint
CREATE INDEX `view_dead_letters_received` ON `view_dead_letters` (`received_at`,`id`);
