-- A Japanese B2B company's own data, as a new user has it, with scenario
-- customers whose right answers were written down in advance from the
-- requirements (thresholds per industry and size, decline signals, contracts,
-- engagement, deals, reasons, channels, branches and duplicates), not taken
-- from the output.  Text customer codes, companies in their own table,
-- industries and sizes in Japanese (full-width, half-width and a trailing
-- full-width space among them), orders partitioned by month with timestamptz
-- times around midnight JST, order lines with an order id and categories,
-- contracts, web events and deals with Japanese wordings, Japanese price-change
-- kinds.  Only what the quick start shows is set: the server's time zone is
-- Tokyo, a pinned as-of day, the bind calls (and the large-order amount of the
-- manufacturing rule, the rules example of the README).  The test prints the
-- number of expectations per checked column and every mismatch (none), then
-- checks that no label of the data is left unmatched, and that removing one
-- alias lists it.
SET client_min_messages = warning;
SET TimeZone = 'Asia/Tokyo';		-- the user's server
-- the extension's own default for dormancy.time_zone (the session's TimeZone):
-- setup.sql pins this test database to UTC for the older tests
SET dormancy.time_zone = '';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 0;
SET jit = off;
SET dormancy.as_of = '2026-11-01';
\set SHOW_CONTEXT never
CREATE SCHEMA jp;

--
-- The user's schema
--
-- companies, and the accounts (head office, branches) the sales team works
CREATE TABLE jp.会社 (
	会社コード text PRIMARY KEY,			-- 'C-0001'
	会社名 text NOT NULL,
	業種 text,
	規模 text
);
CREATE TABLE jp.取引先 (
	取引先コード text PRIMARY KEY,		-- 'A-0001'
	会社コード text NOT NULL REFERENCES jp.会社,
	取引先名 text NOT NULL,
	担当者 text
);
CREATE VIEW jp.顧客一覧 WITH (security_invoker = true) AS
SELECT t.取引先コード, t.取引先名, t.会社コード, k.業種, k.規模, t.担当者
  FROM jp.取引先 t JOIN jp.会社 k USING (会社コード);

-- orders by month, and their lines
CREATE TABLE jp.受注 (
	注文番号 text NOT NULL,
	取引先コード text NOT NULL,
	受注日時 timestamptz NOT NULL,
	キャンペーン boolean NOT NULL DEFAULT false
) PARTITION BY RANGE (受注日時);
DO $$
DECLARE
	m date;
BEGIN
	FOR m IN SELECT generate_series(date '2021-01-01', date '2026-12-01', interval '1 month')::date LOOP
		EXECUTE format('CREATE TABLE jp.%I PARTITION OF jp.受注 FOR VALUES FROM (%L) TO (%L)',
					   '受注_' || to_char(m, 'YYYYMM'), m, (m + interval '1 month')::date);
	END LOOP;
END
$$;
CREATE TABLE jp.受注明細 (
	注文番号 text NOT NULL,
	行番号 integer NOT NULL,
	品目カテゴリ text,
	金額 bigint NOT NULL,
	PRIMARY KEY (注文番号, 行番号)
);
CREATE VIEW jp.受注明細一覧 WITH (security_invoker = true) AS
SELECT h.注文番号, h.取引先コード, h.受注日時, d.行番号, d.品目カテゴリ, d.金額, h.キャンペーン
  FROM jp.受注 h JOIN jp.受注明細 d USING (注文番号);

CREATE TABLE jp.契約 (
	契約番号 text PRIMARY KEY,
	取引先コード text NOT NULL,
	開始日 date NOT NULL,
	終了日 date NOT NULL,
	ライセンス数 integer,
	年額 bigint,
	自動更新 boolean
);
CREATE TABLE jp.行動履歴 (
	取引先コード text NOT NULL,
	発生日時 timestamptz NOT NULL,
	種別 text NOT NULL
);
CREATE TABLE jp.商談 (
	商談番号 text PRIMARY KEY,
	取引先コード text NOT NULL,
	完了日 date,
	結果 text,
	失注理由 text
);

--
-- The scenario customers (as of 2026-11-01 JST)
--
INSERT INTO jp.会社 VALUES
	('C-0001', '株式会社青葉文具', '消耗品', '中小'),
	('C-0002', '(株)北斗製作所', '製造業', '大企業'),
	('C-0003', '株式会社みどり事務機', '消耗品　', '中小'),		-- trailing U+3000
	('C-0004', '株式会社東洋商会', '小売', '中堅'),
	('C-0005', '株式会社さくらシステム', 'ＩＴサービス', '中堅'),
	('C-0006', '株式会社ひかり物流', '消耗品', '中堅'),
	('C-0007', '株式会社はやて印刷', '消耗品', '中小'),
	('C-0008', '株式会社こだま紙業', '消耗品', '中小'),
	('C-0009', '株式会社のぞみ事務所', '消耗品', '中小'),
	('C-0010', '株式会社つばさ食品', '消耗品', '中堅'),
	('C-0011', '株式会社ネクスト・ソリューションズ', 'ITｻｰﾋﾞｽ', '中小'),	-- half-width katakana
	('C-0012', '株式会社しなの雑貨', '小売', '中小'),
	('C-0013', '株式会社あずさ物産', 'ＩＴサービス', '大企業'),
	('C-0014', '株式会社あさひ建材', '消耗品', '中堅'),
	('C-0015', '株式会社いろは電子', '消耗品', '中小'),
	('C-0016', '株式会社まほろば', '消耗品', '中小'),
	('C-0017', '株式会社かがやきソフト', 'ＩＴサービス', '中堅'),
	('C-0018', '株式会社やまびこ堂', '小売', '中小'),
	('C-0019', '株式会社はくたかデータ', 'ＩＴサービス', '中小'),
	('C-0020', '株式会社とき清掃', '消耗品', '中堅'),
	('C-0021', '株式会社おおぞらクラウド', 'ＩＴサービス', '大企業'),
	('C-0022', '株式会社ほしぞら百貨', '小売', '大企業'),
	('C-0023', '株式会社いなほ商事', '消耗品', '中堅'),
	('C-0030', '大和重工業株式会社', '製造業', '大企業'),
	('C-0031', '株式会社みなと商事', '消耗品', '中小'),
	('C-0032', '株式会社ゆめ雑貨店', '小売', '中小企業'),
	('C-0033', '株式会社かもめ事務用品', '消耗品', '中堅'),
	('C-0034', '有限会社こまち商店', '消耗品', '中小'),
	('C-0035', '株式会社ことり通販', '通販', '中小'),
	('C-0040', '株式会社山田商事', '消耗品', '大企業'),
	('C-0042', '株式会社ＡＢＣ商会', '消耗品', '中小'),
	('C-0050', '株式会社よつば商店', '消耗品', '中小'),
	('C-0051', '株式会社ふたば工房', '消耗品', '中小'),
	('C-0052', '株式会社みつば堂', '消耗品', '中小'),
	('C-0060', '株式会社クラウドワークス・ジャパン', 'ＩＴサービス', '中堅');
INSERT INTO jp.取引先 (取引先コード, 会社コード, 取引先名, 担当者)
SELECT 'A-' || substr(k.会社コード, 3), k.会社コード, k.会社名,
	   (ARRAY['佐藤', '鈴木', '高橋', '田中'])[1 + substr(k.会社コード, 3)::integer % 4]
  FROM jp.会社 k;
-- the branch pair: one company, head office and Osaka branch (not duplicates);
-- the duplicate pair: one account entered twice, in two spellings
UPDATE jp.取引先 SET 取引先名 = '株式会社山田商事 本社' WHERE 取引先コード = 'A-0040';
INSERT INTO jp.取引先 VALUES ('A-0041', 'C-0040', '株式会社山田商事 大阪支店', '鈴木'),
	('A-0043', 'C-0042', '(株)ABC商会', '鈴木');

-- 36 steady customers, active and not declining: the rest of the customer
-- base (monthly orders on the 10th, yearly spend 6,000 to 216,000)
INSERT INTO jp.会社
SELECT format('C-1%s', lpad(n::text, 3, '0')), format('株式会社取引先%s', lpad(n::text, 2, '0')),
	   (ARRAY['小売', '消耗品', 'ＩＴサービス'])[1 + n % 3], (ARRAY['大企業', '中堅', '中小'])[1 + (n / 3) % 3]
  FROM generate_series(1, 36) n;
INSERT INTO jp.取引先
SELECT format('A-1%s', lpad(n::text, 3, '0')), format('C-1%s', lpad(n::text, 3, '0')),
	   format('株式会社取引先%s', lpad(n::text, 2, '0')), (ARRAY['佐藤', '鈴木', '高橋', '田中'])[1 + n % 4]
  FROM generate_series(1, 36) n;

-- Orders, one row per order with the categories of its lines (each line of
-- line_amount), turned into headers and lines below.
CREATE TABLE jp.order_plan (customer text, at timestamptz, categories text[], line_amount bigint,
							campaign boolean DEFAULT false);
INSERT INTO jp.order_plan (customer, at, categories, line_amount)
SELECT format('A-1%s', lpad(n::text, 3, '0')), t, '{コピー用紙}', 500 * n
  FROM generate_series(1, 36) n, generate_series(timestamptz '2024-11-10 10:00', '2026-10-10 10:00', '1 month') t;
INSERT INTO jp.order_plan (customer, at, categories, line_amount)
-- A-0001 active: monthly orders of two lines each (24 orders, 48 lines)
SELECT 'A-0001', t, '{コピー用紙,文具}'::text[], 15000 FROM generate_series(timestamptz '2024-11-05 10:00', '2026-10-05 10:00', '1 month') t
-- A-0002 manufacturing: a 1,500,000 order on one line (2023), one split over
-- three lines of 500,000 (2025-08-20), then small parts orders each month
UNION ALL SELECT 'A-0002', '2023-08-20 11:00', '{工作機械部品}', 1500000
UNION ALL SELECT 'A-0002', '2025-08-20 11:00', '{工作機械部品,工作機械部品,保守部品}', 500000
UNION ALL SELECT 'A-0002', t, '{保守部品}', 80000 FROM generate_series(timestamptz '2025-09-10 15:00', '2026-10-10 15:00', '1 month') t
-- A-0003 consumables (industry with a trailing full-width space): monthly up to 2026-04-12
UNION ALL SELECT 'A-0003', t, '{コピー用紙}', 15000 FROM generate_series(timestamptz '2024-06-12 14:00', '2026-04-12 14:00', '1 month') t
-- A-0004 every two months up to 2023-05
UNION ALL SELECT 'A-0004', t, '{文具}', 40000 FROM generate_series(timestamptz '2021-05-20 10:00', '2023-05-20 10:00', '2 months') t
-- A-0006 monthly up to 2026-02-25, then a deal lost on price
UNION ALL SELECT 'A-0006', t, '{コピー用紙}', 20000 FROM generate_series(timestamptz '2024-06-25 10:00', '2026-02-25 10:00', '1 month') t
-- A-0007 toner, A-0008 copy paper, A-0009 without a category: monthly up to
-- 2026-03-20; toner went up on 2026-04-01
UNION ALL SELECT 'A-0007', t, '{トナー}', 15000 FROM generate_series(timestamptz '2024-09-20 10:00', '2026-03-20 10:00', '1 month') t
UNION ALL SELECT 'A-0008', t, '{コピー用紙}', 15000 FROM generate_series(timestamptz '2024-09-20 10:00', '2026-03-20 10:00', '1 month') t
UNION ALL SELECT 'A-0009', t, ARRAY[NULL]::text[], 15000 FROM generate_series(timestamptz '2024-09-20 10:00', '2026-03-20 10:00', '1 month') t
-- A-0010 monthly: 100,000 a month in the prior year, 50,000 in the recent
-- one, last 11 days ago
UNION ALL SELECT 'A-0010', t, '{コピー用紙}', CASE WHEN t < '2025-11-01' THEN 100000 ELSE 50000 END
  FROM generate_series(timestamptz '2024-11-21 10:00', '2026-10-21 10:00', '1 month') t
-- A-0011 SaaS fee each month; the current term will not renew
UNION ALL SELECT 'A-0011', t, '{ライセンス}', 50000 FROM generate_series(timestamptz '2024-12-01 09:00', '2026-10-01 09:00', '1 month') t
-- A-0012 every two months up to 2025-09-10, then lost to a competitor
UNION ALL SELECT 'A-0012', t, '{雑貨}', 60000 FROM generate_series(timestamptz '2024-01-10 10:00', '2025-09-10 10:00', '2 months') t
-- A-0014, A-0015 monthly up to 2026-06-15
UNION ALL SELECT c, t, '{コピー用紙}', 20000 FROM (VALUES ('A-0014'), ('A-0015')) v(c),
	generate_series(timestamptz '2025-01-15 10:00', '2026-06-15 10:00', '1 month') t
-- A-0016 twice, both times in a campaign (below)
UNION ALL SELECT 'A-0016', t, '{コピー用紙}', 10000 FROM (VALUES (timestamptz '2025-12-10 10:00'), ('2026-02-10 10:00')) v(t)
-- A-0017 one order
UNION ALL SELECT 'A-0017', '2025-09-15 10:00', '{ライセンス}', 300000
-- A-0018 MFP maintenance monthly up to 2026-01-20; its specification changed on 2026-02-01
UNION ALL SELECT 'A-0018', t, '{複合機保守}', 15000 FROM generate_series(timestamptz '2025-02-20 10:00', '2026-01-20 10:00', '1 month') t
-- A-0020 monthly, then every two months in the recent year
UNION ALL SELECT 'A-0020', t, '{清掃用品}', 15000 FROM generate_series(timestamptz '2024-11-08 10:00', '2025-10-08 10:00', '1 month') t
UNION ALL SELECT 'A-0020', t, '{清掃用品}', 15000 FROM generate_series(timestamptz '2025-12-08 10:00', '2026-10-08 10:00', '2 months') t
-- A-0021 monthly, silent since 2026-07-25
UNION ALL SELECT 'A-0021', t, '{ライセンス}', 100000 FROM generate_series(timestamptz '2024-11-25 10:00', '2026-07-25 10:00', '1 month') t
-- A-0022 monthly 20,000, but 200,000 in August to October last year
UNION ALL SELECT 'A-0022', t, '{雑貨}', CASE WHEN t >= '2025-08-01' AND t < '2025-11-01' THEN 200000 ELSE 20000 END
  FROM generate_series(timestamptz '2024-11-15 10:00', '2026-10-15 10:00', '1 month') t
-- A-0023 quarterly, 200,000 falling by 10,000 each time
UNION ALL SELECT 'A-0023', t, '{コピー用紙}', 200000 - 10000 * (row_number() OVER (ORDER BY t) - 1)
  FROM generate_series(timestamptz '2023-12-05 10:00', '2026-09-05 10:00', '3 months') t
-- A-0030 a large enterprise: 5,000,000 a quarter (two lines) up to 2024-10-15
UNION ALL SELECT 'A-0030', t, '{工作機械,保守部品}', 2500000 FROM generate_series(timestamptz '2022-01-15 10:00', '2024-10-15 10:00', '3 months') t
-- A-0031 .. A-0034 monthly up to 2026-03-05: 300,000, 8,000, 15,000, 1,000
UNION ALL SELECT c, t, '{コピー用紙}', a FROM (VALUES ('A-0031', 300000), ('A-0032', 8000), ('A-0033', 15000), ('A-0034', 1000)) v(c, a),
	generate_series(timestamptz '2024-05-05 10:00', '2026-03-05 10:00', '1 month') t
-- A-0035 a mail-order shop, monthly 5,000 up to 2026-02-15
UNION ALL SELECT 'A-0035', t, '{雑貨}', 5000 FROM generate_series(timestamptz '2025-03-15 10:00', '2026-02-15 10:00', '1 month') t
-- A-0040 head office monthly up to now; A-0041 its Osaka branch up to 2026-03-03
UNION ALL SELECT 'A-0040', t, '{コピー用紙}', 50000 FROM generate_series(timestamptz '2024-11-03 10:00', '2026-10-03 10:00', '1 month') t
UNION ALL SELECT 'A-0041', t, '{コピー用紙}', 15000 FROM generate_series(timestamptz '2024-05-03 10:00', '2026-03-03 10:00', '1 month') t
-- A-0042, A-0043 the same account twice
UNION ALL SELECT 'A-0042', t, '{文具}', 10000 FROM generate_series(timestamptz '2025-11-12 10:00', '2026-10-12 10:00', '1 month') t
UNION ALL SELECT 'A-0043', t, '{文具}', 10000 FROM (VALUES (timestamptz '2025-03-12 10:00'), ('2025-06-12 10:00')) v(t)
-- around midnight JST: A-0050's last order 2026-05-02 00:10 (2026-05-01 in
-- UTC), A-0051's 2026-05-01 23:30 (exactly six months before the as-of day),
-- A-0052 one at 2026-11-02 00:10 JST, after the as-of day (2026-11-01 in UTC)
UNION ALL SELECT c, t, '{コピー用紙}', 10000 FROM (VALUES ('A-0050'), ('A-0051'), ('A-0052')) v(c),
	generate_series(timestamptz '2025-05-01 10:00', '2026-04-01 10:00', '1 month') t
UNION ALL SELECT 'A-0050', '2026-05-02 00:10', '{コピー用紙}', 10000
UNION ALL SELECT 'A-0051', '2026-05-01 23:30', '{コピー用紙}', 10000
UNION ALL SELECT 'A-0052', '2026-05-01 10:00', '{コピー用紙}', 10000
UNION ALL SELECT 'A-0052', '2026-11-02 00:10', '{コピー用紙}', 10000
-- A-0060 a yearly licence invoiced at the start of each term
UNION ALL SELECT 'A-0060', t, '{ライセンス}', 1200000 FROM generate_series(timestamptz '2023-04-01 09:00', '2025-04-01 09:00', '1 year') t;
UPDATE jp.order_plan SET campaign = true WHERE customer = 'A-0016';
WITH p AS (
	SELECT 'O-' || lpad(row_number() OVER (ORDER BY at, customer)::text, 6, '0') AS order_id, *
	  FROM jp.order_plan
), h AS (
	INSERT INTO jp.受注 (注文番号, 取引先コード, 受注日時, キャンペーン)
	SELECT order_id, customer, at, campaign FROM p
)
INSERT INTO jp.受注明細 (注文番号, 行番号, 品目カテゴリ, 金額)
SELECT p.order_id, l.n, l.category, p.line_amount
  FROM p CROSS JOIN LATERAL unnest(p.categories) WITH ORDINALITY l(category, n);
DROP TABLE jp.order_plan;
SELECT count(*) AS orders, count(DISTINCT tableoid) AS partitions FROM jp.受注;
SELECT count(*) AS order_lines FROM jp.受注明細;

INSERT INTO jp.契約 VALUES
	-- A-0060: yearly licences, the last ended 2026-03-31 and was not renewed
	('K-0601', 'A-0060', '2023-04-01', '2024-03-31', 20, 1200000, true),
	('K-0602', 'A-0060', '2024-04-01', '2025-03-31', 20, 1200000, true),
	('K-0603', 'A-0060', '2025-04-01', '2026-03-31', 20, 1200000, true),
	-- A-0011: auto-renew switched off for the current term
	('K-0111', 'A-0011', '2024-12-01', '2025-11-30', 10, 600000, true),
	('K-0112', 'A-0011', '2025-12-01', '2026-11-30', 10, 600000, false);

INSERT INTO jp.行動履歴 VALUES
	-- A-0014 compares prices: three pricing-page views (one with a trailing full-width space)
	('A-0014', '2026-10-05 10:00', '料金ページ閲覧'), ('A-0014', '2026-10-12 23:30', '料金ページ閲覧'),
	('A-0014', '2026-10-20 00:10', '料金ページ閲覧　'), ('A-0014', '2026-10-21 15:00', 'お問い合わせ'),
	-- A-0015 visits the support pages
	('A-0015', '2026-09-20 10:00', 'サポートページ閲覧'), ('A-0015', '2026-10-18 10:00', 'サポートページ閲覧'),
	('A-0015', '2026-10-01 14:00', 'セミナー参加'),
	-- the steady customers read mail, download, come to seminars
	('A-1001', '2026-10-02 09:00', 'メール開封'), ('A-1002', '2026-10-03 09:00', 'ﾒｰﾙ開封'),
	('A-1003', '2026-09-15 13:00', 'セミナー参加'), ('A-1004', '2026-10-07 16:00', '資料ダウンロード'),
	('A-1005', '2026-10-08 11:00', 'お問い合わせ'), ('A-1006', '2026-10-09 11:00', 'メールクリック'),
	('A-1007', '2026-10-10 11:00', 'ページ閲覧');

INSERT INTO jp.商談 VALUES
	('D-0005', 'A-0005', '2026-07-15', '失注　', '競合他社に決定'),		-- trailing U+3000
	('D-0006', 'A-0006', '2026-06-10', '失注', '価格面で折り合わず'),
	('D-0012', 'A-0012', '2026-05-10', '失注　', '競合他社に決定'),
	('D-0013', 'A-0013', '2026-09-01', '次年度検討', '来期予算'),
	('D-0019', 'A-0019', '2026-08-20', '失注', '機能不足'),
	('D-1001', 'A-1001', '2024-10-01', '受注', NULL);

--
-- What the quick start shows
--
SELECT dormancy.bind_customers('jp.顧客一覧', id => '取引先コード', name => '取引先名', industry => '業種',
							   company_size => '規模', owner => '担当者', company => '会社コード');
SELECT dormancy.bind_orders('jp.受注明細一覧', customer => '取引先コード', ordered_at => '受注日時', amount => '金額',
							category => '品目カテゴリ', discounted => 'キャンペーン', order_id => '注文番号');
SELECT dormancy.bind_contracts('jp.契約', customer => '取引先コード', starts_on => '開始日', ends_on => '終了日',
							   seats => 'ライセンス数', amount => '年額', auto_renew => '自動更新');
SELECT dormancy.bind_events('jp.行動履歴', customer => '取引先コード', occurred_at => '発生日時', kind => '種別');
SELECT dormancy.bind_deals('jp.商談', customer => '取引先コード', closed_at => '完了日', outcome => '結果',
						   lost_reason => '失注理由');
-- the README's example of the large-order rule: manufacturing counts orders of 1,000,000 or more
UPDATE dormancy.rules SET min_order_amount = 1000000 WHERE industry = 'manufacturing';
-- price changes, with the kinds in Japanese
INSERT INTO dormancy.price_changes (changed_at, category, change_pct, kind, note)
VALUES ('2026-04-01', 'トナー', 8, '値上げ', 'トナー全品 8% 値上げ');
INSERT INTO dormancy.price_changes (changed_at, category, change_pct, kind, note)
VALUES ('2026-02-01', '複合機保守', NULL, '仕様変更', '保守メニュー改定');

--
-- The expected answers, from the requirements
--
-- column_name is a column of dormancy.customer_status, or: on_call_list (the
-- customer is in dormancy.call_list), duplicate_name (in data_gaps);
-- decline_signals and evidence: the array holds expected_value.  An
-- expected_value '!x' means anything but x (and not NULL); '(null)' is NULL.
CREATE TABLE jp.expected (
	customer_id text,
	column_name text,
	expected_value text,
	why text,
	PRIMARY KEY (customer_id, column_name, expected_value)
);
INSERT INTO jp.expected VALUES
	-- one per state, by the rule of the industry and size
	('A-0001', 'state', 'active', 'monthly orders, last 2026-10-05'),
	('A-0001', 'dormant_after', '6 mons', '消耗品 is consumables: dormant after 6 months'),
	('A-0001', 'orders_count', '24', 'order lines bound with 注文番号: 24 orders of two lines count 24'),
	('A-0001', 'likely_reason', '(null)', 'active and not declining: not lapsing'),
	('A-0001', 'on_call_list', 'false', 'active and not declining: not on the default call list'),
	('A-0001', 'owner', '鈴木', 'the bound 担当者'),
	('A-0002', 'state', 'at_risk', '製造業: at risk 1 year after the last large order (2025-08-20), dormant after 2'),
	('A-0002', 'dormant_after', '2 years', '製造業 is manufacturing'),
	('A-0002', 'last_qualifying_order_at', '2025-08-20', 'an order of 1,500,000 over three lines of 500,000 is a large order'),
	('A-0002', 'orders_count', '16', 'two large orders (one of three lines) and 14 parts orders'),
	('A-0003', 'state', 'dormant', '消耗品 with a trailing full-width space: dormant 6 months after 2026-04-12'),
	('A-0003', 'dormant_after', '6 mons', '''消耗品　'' is consumables'),
	('A-0003', 'likely_reason', 'forgot', 'repeat buyer, silent for half a year, no engagement'),
	('A-0004', 'state', 'long_dormant', 'last order 2023-05-20: more than 2 years'),
	('A-0005', 'state', 'never_purchased', 'a prospect: no order'),
	('A-0005', 'dormancy_kind', 'lost_deal', 'dormant after a lost deal'),
	('A-0005', 'last_deal_outcome', 'lost', '''失注　'' (trailing U+3000) is lost'),
	('A-0005', 'last_deal_reason', 'competitor', '競合他社に決定 is competitor'),
	('A-0005', 'likely_reason', 'lost_to_competitor', 'lost to a competitor'),
	('A-0005', 'message_theme', 'comparison_case_study', 'lost to a competitor: comparison and case studies'),
	-- one per likely reason
	('A-0006', 'state', 'dormant', 'consumables, last order 2026-02-25'),
	('A-0006', 'last_deal_reason', 'price', '価格面で折り合わず is price'),
	('A-0006', 'likely_reason', 'dissatisfied_price', 'last deal lost on price'),
	('A-0006', 'message_theme', 'discount_or_downsell', 'price: discount or down-sell'),
	('A-0007', 'state', 'dormant', 'consumables, last order 2026-03-20'),
	('A-0007', 'lapsed_after_price_increase', 'true', 'bought toner, toner went up (値上げ) on 2026-04-01, nothing since'),
	('A-0007', 'likely_reason', 'price_increase', 'lapsed after the toner price increase'),
	('A-0008', 'lapsed_after_price_increase', 'false', 'bought copy paper only: the toner increase does not concern it'),
	('A-0008', 'likely_reason', 'forgot', 'repeat buyer, silent for 7 months, no engagement'),
	('A-0009', 'lapsed_after_price_increase', 'false', 'its order lines have no category: a toner increase does not concern it'),
	('A-0009', 'likely_reason', 'forgot', 'repeat buyer, silent for 7 months, no engagement'),
	('A-0010', 'state', 'active', 'bought 11 days ago'),
	('A-0010', 'decline_signals', 'amount_drop', 'spend halved: recent year vs prior year'),
	('A-0010', 'likely_reason', 'circumstances_changed', 'bought 11 days ago with halved spend: declining, not forgotten'),
	('A-0010', 'message_theme', 'new_offer', 'circumstances changed: a new product or plan'),
	('A-0011', 'state', 'active', 'pays monthly, contract in force'),
	('A-0011', 'dormant_after', '1 year', 'ITｻｰﾋﾞｽ (half-width) is it_services'),
	('A-0011', 'auto_renew_off', 'true', 'the current term will not renew'),
	('A-0011', 'likely_reason', '!forgot', 'auto-renew switched off is a decision, not forgetting'),
	('A-0012', 'state', 'long_dormant', '中小 is smb: long dormant a year after 2025-09-10'),
	('A-0012', 'last_deal_outcome', 'lost', '''失注　'' is lost'),
	('A-0012', 'likely_reason', 'lost_to_competitor', 'last deal lost, 競合他社に決定'),
	('A-0013', 'state', 'never_purchased', 'a prospect: no order'),
	('A-0013', 'last_deal_outcome', 'postponed', '次年度検討 is postponed'),
	('A-0013', 'likely_reason', 'budget_timing', 'postponed to next fiscal year''s budget'),
	('A-0013', 'message_theme', 'reminder', 'budget or timing: a reminder'),
	('A-0014', 'state', 'at_risk', 'consumables: at risk 3 months after 2026-06-15'),
	('A-0014', 'pricing_views', '3', 'three 料金ページ閲覧, one with a trailing full-width space'),
	('A-0014', 'likely_reason', 'dissatisfied_price', 'repeated pricing-page views: comparison shopping'),
	('A-0015', 'state', 'at_risk', 'consumables: at risk 3 months after 2026-06-15'),
	('A-0015', 'support_visits', '2', 'two サポートページ閲覧'),
	('A-0015', 'likely_reason', 'dissatisfied_support', 'support-page visits hint at dissatisfaction'),
	('A-0015', 'message_theme', 'feedback_survey', 'dissatisfied: ask for feedback'),
	('A-0016', 'segment', 'campaign_only', 'bought twice, both times in a campaign'),
	('A-0016', 'likely_reason', 'campaign_only', 'campaign-only buyer'),
	('A-0017', 'state', 'dormant', 'it_services: dormant a year after 2025-09-15'),
	('A-0017', 'segment', 'one_time', 'one order'),
	('A-0017', 'likely_reason', 'one_time_mismatch', 'one-time buyer: a mismatch'),
	('A-0018', 'state', 'dormant', '中小 is smb: dormant 6 months after 2026-01-20'),
	('A-0018', 'lapsed_after_spec_change', 'true', 'MFP maintenance changed (仕様変更) on 2026-02-01, nothing bought since'),
	('A-0018', 'likely_reason', 'spec_change', 'lapsed after the specification change'),
	('A-0018', 'message_theme', 'usage_guide', 'specification change: a usage guide'),
	('A-0019', 'likely_reason', 'dissatisfied_product', 'last deal lost, 機能不足 (features)'),
	-- one per decline signal
	('A-0020', 'decline_signals', 'frequency_drop', 'monthly became every two months'),
	('A-0020', 'decline_signals', 'cadence_slowdown', 'monthly became every two months'),
	('A-0021', 'state', 'active', 'it_services: at risk only after 6 months'),
	('A-0021', 'decline_signals', 'overdue', 'a monthly buyer silent for three months'),
	('A-0022', 'dormant_after', '2 years', '小売 has no rule, 大企業 is enterprise'),
	('A-0022', 'decline_signals', 'season_drop', 'August to October: 60,000 against 600,000 a year earlier'),
	('A-0023', 'state', 'active', 'quarterly, last 2026-09-05'),
	('A-0023', 'decline_signals', 'negative_trend', 'each order 10,000 smaller than the one before'),
	-- one per channel
	('A-0030', 'state', 'dormant', 'manufacturing: dormant 2 years after the last large order (2024-10-15)'),
	('A-0030', 'approach_channel', 'visit', 'a 大企業 worth 60,000,000: a visit'),
	('A-0030', 'on_call_list', 'true', 'the most valuable customer, dormant: called first'),
	('A-0030', 'owner', '高橋', 'the bound 担当者'),
	('A-0031', 'approach_channel', 'phone', 'high value (3,600,000 a year), a small company: a call'),
	('A-0032', 'dormant_after', '6 mons', '中小企業 is smb'),
	('A-0032', 'approach_channel', 'step_mail', 'a small retailer (小売): step mails'),
	('A-0033', 'approach_channel', 'direct_mail', 'medium value (180,000 a year): direct mail'),
	('A-0034', 'approach_channel', 'email', 'the lowest value (12,000 a year): email'),
	('A-0035', 'state', 'at_risk', '通販 is ec: at risk after 3 months, dormant after a year (not smb''s 6 months)'),
	('A-0035', 'at_risk_after', '3 mons', '通販 is ec'),
	('A-0035', 'approach_channel', 'step_mail', 'a mail-order shop (EC): step mails'),
	-- branches and duplicates
	('A-0040', 'state', 'active', 'head office orders every month'),
	('A-0040', 'duplicate_name', 'false', 'head office and Osaka branch: one company, two accounts'),
	('A-0041', 'state', 'dormant', 'the Osaka branch stopped in March: its own state'),
	('A-0041', 'duplicate_name', 'false', 'a branch is not a duplicate of its head office'),
	('A-0042', 'duplicate_name', 'true', '株式会社ＡＢＣ商会 and (株)ABC商会: one account entered twice'),
	('A-0043', 'duplicate_name', 'true', '株式会社ＡＢＣ商会 and (株)ABC商会: one account entered twice'),
	-- days in Tokyo
	('A-0050', 'last_order_at', '2026-05-02', '2026-05-02 00:10 JST is 2 May in Tokyo'),
	('A-0050', 'state', 'at_risk', 'dormant only from 2026-11-02'),
	('A-0051', 'last_order_at', '2026-05-01', '2026-05-01 23:30 JST'),
	('A-0051', 'state', 'dormant', 'exactly six months before the as-of day: dormant'),
	('A-0052', 'last_order_at', '2026-05-01', 'the order of 2026-11-02 00:10 JST is after the as-of day'),
	('A-0052', 'state', 'dormant', 'six months after 2026-05-01'),
	-- a contract customer
	('A-0060', 'state', 'at_risk', 'ＩＴサービス: the licence ran to 2026-03-31, at risk 6 months later'),
	('A-0060', 'dormant_after', '1 year', 'ＩＴサービス (full-width) is it_services'),
	('A-0060', 'contract_lapsed', 'true', 'the last term ended 2026-03-31 and was not renewed');

-- how many answers each column has to get right
SELECT column_name, count(*) AS expectations FROM jp.expected GROUP BY column_name ORDER BY column_name;

-- every answer that is wrong (none)
WITH cs AS (
	SELECT s.customer_id, to_jsonb(s) AS j FROM dormancy.customer_status s
), actual AS (
	SELECT e.*,
		   CASE WHEN cs.j IS NULL THEN '(no row)'
				WHEN e.column_name = 'on_call_list'
					 THEN (EXISTS (SELECT 1 FROM dormancy.call_list cl WHERE cl.customer_id = e.customer_id))::text
				WHEN e.column_name = 'duplicate_name'
					 THEN coalesce(cs.j -> 'data_gaps' ? 'duplicate_name', false)::text
				WHEN e.column_name IN ('decline_signals', 'evidence') AND cs.j -> e.column_name ? e.expected_value
					 THEN e.expected_value
				ELSE coalesce(cs.j ->> e.column_name, '(null)') END AS actual_value
	  FROM jp.expected e
	  LEFT JOIN cs ON cs.customer_id = e.customer_id
)
SELECT customer_id, column_name, expected_value, actual_value, why
  FROM actual
 WHERE CASE WHEN expected_value LIKE '!%' THEN actual_value IN (substr(expected_value, 2), '(null)', '(no row)')
			ELSE actual_value IS DISTINCT FROM expected_value END
 ORDER BY customer_id, column_name, expected_value;

-- no label of this data is left unmatched
SELECT vocabulary, label, rows FROM dormancy.unmatched_labels ORDER BY 1, 2;
-- remove one alias: its label is listed with the rows that carry it; then
-- the installed aliases come back
DELETE FROM dormancy.industries WHERE source_industry = '製造業';
SELECT label, rows FROM dormancy.unmatched_labels ORDER BY 1, 2;
SELECT dormancy.reset_defaults('dormancy.industries');
SELECT count(*) AS unmatched FROM dormancy.unmatched_labels;

--
-- Clean up: the database is shared with the tests that follow
--
SELECT dormancy.unbind(s)
  FROM unnest(ARRAY['contracts', 'deals', 'events', 'orders', 'customers']) WITH ORDINALITY u(s, n)
 WHERE s IN (SELECT b.source FROM dormancy.bindings b)
 ORDER BY n;
DELETE FROM dormancy.price_changes WHERE category IN ('トナー', '複合機保守');
SELECT dormancy.reset_rules();
DROP SCHEMA jp CASCADE;
RESET dormancy.as_of;
RESET TimeZone;
RESET dormancy.time_zone;
