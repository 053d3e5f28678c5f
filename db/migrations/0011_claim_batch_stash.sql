CREATE TABLE "claim_batch_stash" (
	"key" text NOT NULL,
	"part" integer NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claim_batch_stash_key_part_pk" PRIMARY KEY("key","part")
);
