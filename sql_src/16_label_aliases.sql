--
-- Label aliases (05_label_key.sql): their installed defaults, and the kinds of
-- dormancy.price_changes (the table is in 30_decline.sql, which maps a
-- written kind through this one).
--
SELECT dormancy._install_defaults('dormancy.industries', 'source_industry');
SELECT dormancy._install_defaults('dormancy.company_sizes', 'source_size');

CREATE TABLE dormancy.price_change_kinds (
	source_kind text PRIMARY KEY,
	kind text NOT NULL,
	installed boolean NOT NULL DEFAULT false,
	CONSTRAINT price_change_kinds_kind CHECK (kind IN ('price_increase', 'spec_change')),
	CONSTRAINT price_change_kinds_source_not_blank CHECK (dormancy.label_key(source_kind) <> '')
);
CREATE UNIQUE INDEX price_change_kinds_key ON dormancy.price_change_kinds ((dormancy.label_key(source_kind)));
COMMENT ON TABLE dormancy.price_change_kinds IS
	'maps wordings of a price change''s kind onto price_increase or spec_change (by label_key): dormancy.price_changes.kind accepts them and stores the code';
COMMENT ON COLUMN dormancy.price_change_kinds.source_kind IS 'a wording of the kind (matched by label_key)';
COMMENT ON COLUMN dormancy.price_change_kinds.kind IS 'what it means: price_increase or spec_change';
COMMENT ON COLUMN dormancy.price_change_kinds.installed IS 'true while the row is an unedited default installed by the extension (pg_dump skips those)';

INSERT INTO dormancy.price_change_kinds (source_kind, kind) VALUES
	('price_increase', 'price_increase'), ('price increase', 'price_increase'),
	('price rise', 'price_increase'), ('price hike', 'price_increase'),
	('price revision', 'price_increase'), ('increase', 'price_increase'),
	('spec_change', 'spec_change'), ('spec change', 'spec_change'),
	('specification change', 'spec_change'), ('product change', 'spec_change'),
	('renewal', 'spec_change'), ('redesign', 'spec_change');
-- Japanese values, written as Unicode escapes so that the install script is
-- ASCII: a database whose encoding cannot hold them (LATIN1, ...) gets the
-- others only.  docs/sources.md lists them as written.
DO $$
BEGIN
	INSERT INTO dormancy.price_change_kinds (source_kind, kind) VALUES
		(U&'\5024\4E0A\3052', 'price_increase'),	-- neage: price increase
		(U&'\4FA1\683C\6539\5B9A', 'price_increase'),	-- kakaku kaitei: price revision
		(U&'\5024\4E0A\3052\6539\5B9A', 'price_increase'),	-- neage kaitei: price increase revision
		(U&'\4ED5\69D8\5909\66F4', 'spec_change'),	-- shiyo henko: specification change
		(U&'\4ED5\69D8\6539\5B9A', 'spec_change'),	-- shiyo kaitei: specification revision
		(U&'\30EA\30CB\30E5\30FC\30A2\30EB', 'spec_change'),	-- rinyuaru: renewal
		(U&'\30E2\30C7\30EB\30C1\30A7\30F3\30B8', 'spec_change');	-- moderu chenji: model change
EXCEPTION WHEN untranslatable_character OR character_not_in_repertoire OR syntax_error
			OR feature_not_supported THEN	-- SQL_ASCII: no conversion from Unicode
	RAISE NOTICE 'the database encoding cannot hold the Japanese defaults of dormancy.price_change_kinds: left out';
END
$$;
SELECT dormancy._install_defaults('dormancy.price_change_kinds', 'source_kind');
