CREATE TABLE "request_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"soort" text NOT NULL,
	"aanbieder" text NOT NULL,
	"gemeente" text NOT NULL,
	"document" jsonb NOT NULL,
	"huidige_toewijzingen" jsonb,
	"event_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"aanbieder" text NOT NULL,
	"gemeente" text NOT NULL,
	"referentie_aanbieder" text NOT NULL,
	"client_ref" text NOT NULL,
	"status" text NOT NULL,
	"overdue" boolean DEFAULT false NOT NULL,
	"next_deadline" date,
	"profile" text NOT NULL,
	"assignment_workflow_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "request_documents_aanbieder_event_uq" ON "request_documents" USING btree ("aanbieder","event_id");--> statement-breakpoint
CREATE INDEX "requests_aanbieder_idx" ON "requests" USING btree ("aanbieder");--> statement-breakpoint
CREATE INDEX "requests_gemeente_idx" ON "requests" USING btree ("gemeente");--> statement-breakpoint
CREATE INDEX "requests_status_idx" ON "requests" USING btree ("status");