CREATE SEQUENCE "public"."outbox_identificatie_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
ALTER TABLE "inbox_messages" ALTER COLUMN "traceer_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "inbox_messages" ADD COLUMN "payload_sha256" text;--> statement-breakpoint
-- Hand-added: rows stored before this migration get their hash, then the column becomes NOT NULL.
UPDATE "inbox_messages" SET "payload_sha256" = encode(sha256(convert_to("payload", 'UTF8')), 'hex') WHERE "payload_sha256" IS NULL;--> statement-breakpoint
ALTER TABLE "inbox_messages" ALTER COLUMN "payload_sha256" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "inbox_messages" ADD COLUMN "identificatie" text;--> statement-breakpoint
ALTER TABLE "inbox_messages" ADD COLUMN "submitted_by" text;--> statement-breakpoint
ALTER TABLE "inbox_messages" ADD COLUMN "outcome" jsonb;--> statement-breakpoint
ALTER TABLE "inbox_messages" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_messages_payload_sha256_uq" ON "inbox_messages" USING btree ("payload_sha256");