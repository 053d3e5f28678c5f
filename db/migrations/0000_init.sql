CREATE TABLE "assignments" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"gemeente" text NOT NULL,
	"toewijzing_nummer" integer NOT NULL,
	"aanbieder" text NOT NULL,
	"client_ref" text NOT NULL,
	"product_categorie" text,
	"product_code" text,
	"ingangsdatum" date NOT NULL,
	"einddatum" date,
	"profile" text NOT NULL,
	"status" text NOT NULL,
	"overdue" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"idempotency_key" text NOT NULL,
	"workflow_id" text NOT NULL,
	"gemeente" text NOT NULL,
	"aanbieder" text NOT NULL,
	"action" text NOT NULL,
	"rule" text NOT NULL,
	"owner" text NOT NULL,
	"due_date" date NOT NULL,
	"recipients" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "inbox_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"traceer_id" text NOT NULL,
	"transport" text NOT NULL,
	"conversatie_id" text,
	"message_type" text,
	"afzender" text,
	"ontvanger" text,
	"payload" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"findings" jsonb,
	"routed_to" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "outbox_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"idempotency_key" text NOT NULL,
	"message_type" text NOT NULL,
	"afzender" text NOT NULL,
	"ontvanger" text NOT NULL,
	"identificatie" text NOT NULL,
	"payload" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"traceer_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"workflow_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "assignments_gemeente_idx" ON "assignments" USING btree ("gemeente");--> statement-breakpoint
CREATE INDEX "assignments_aanbieder_idx" ON "assignments" USING btree ("aanbieder");--> statement-breakpoint
CREATE INDEX "assignments_overdue_idx" ON "assignments" USING btree ("overdue");--> statement-breakpoint
CREATE UNIQUE INDEX "escalations_idempotency_uq" ON "escalations" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "escalations_gemeente_idx" ON "escalations" USING btree ("gemeente");--> statement-breakpoint
CREATE INDEX "escalations_status_idx" ON "escalations" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_messages_transport_traceer_uq" ON "inbox_messages" USING btree ("transport","traceer_id");--> statement-breakpoint
CREATE INDEX "inbox_messages_status_idx" ON "inbox_messages" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_messages_idempotency_uq" ON "outbox_messages" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_messages_identificatie_uq" ON "outbox_messages" USING btree ("afzender","message_type","identificatie");--> statement-breakpoint
CREATE INDEX "outbox_messages_status_idx" ON "outbox_messages" USING btree ("status");