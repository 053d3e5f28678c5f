ALTER TABLE "inbox_messages" ADD COLUMN "raw_payload" "bytea";--> statement-breakpoint
CREATE INDEX "inbox_messages_identificatie_idx" ON "inbox_messages" USING btree ("afzender","message_type","identificatie");--> statement-breakpoint
CREATE INDEX "inbox_messages_unfinished_idx" ON "inbox_messages" USING btree ("received_at") WHERE "inbox_messages"."outcome" is null;