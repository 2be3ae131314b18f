PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_notification_deliveries` (
	`seq` integer PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`audience` text NOT NULL,
	`ride_id` text NOT NULL,
	`event` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
-- Hand-edited: the audience was the suffix of the stored id (`nt_<event>_<channel>_<audience>`),
-- the times were ISO text, and the copy goes oldest first so that `seq` orders the rows by time.
INSERT INTO `__new_notification_deliveries`("event_id", "channel", "recipient", "audience", "ride_id", "event", "status", "attempts", "last_error", "created_at", "updated_at")
SELECT "event_id", "channel", "recipient",
	CASE WHEN "id" LIKE '%\_driver' ESCAPE '\' THEN 'driver' ELSE 'rider' END,
	"ride_id", "event", "status", "attempts", "last_error",
	CAST(round((julianday("created_at") - 2440587.5) * 86400000) AS INTEGER),
	CAST(round((julianday("updated_at") - 2440587.5) * 86400000) AS INTEGER)
FROM `notification_deliveries` ORDER BY "created_at";--> statement-breakpoint
DROP TABLE `notification_deliveries`;--> statement-breakpoint
ALTER TABLE `__new_notification_deliveries` RENAME TO `notification_deliveries`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_by_ride` ON `notification_deliveries` (`ride_id`,`event_id`,`channel`,`recipient`);