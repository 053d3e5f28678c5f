ALTER TABLE "inbox_messages" ADD COLUMN "als_antwoord_op" text;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "conversatie_id" text;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "als_antwoord_op" text;