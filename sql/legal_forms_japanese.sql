-- Japanese legal forms beyond the companies' (medical, school, welfare,
-- non-profit and public-interest corporations, with their bracketed
-- abbreviations), the forms as bank transfers write them in half-width kana
-- (kabushiki gaisha spelt out, ka) and (ka), and the honorifics of an
-- address line (onchu, sama, dono): one customer written both ways is one
-- name key, so the duplicate-name check finds it.  Until 2026-12-07 only
-- the companies' forms were installed (a review of DOMAIN D9 found
-- (gaku) Yamada Gakuen and gakko hojin Yamada Gakuen to be two names).
-- Also the company size ote kigyo (seed 002's word for a large company).
SET client_min_messages = warning;
CREATE TEMP TABLE pairs (a text, b text, note text);
INSERT INTO pairs VALUES
	(U&'(\5B66)\5C71\7530\5B66\5712', U&'\5B66\6821\6CD5\4EBA\5C71\7530\5B66\5712', 'gakko hojin'),
	(U&'\533B\7642\6CD5\4EBA\793E\56E3\5065\5EB7\4F1A', U&'(\533B)\5065\5EB7\4F1A', 'iryo hojin shadan'),
	(U&'\533B\7642\6CD5\4EBA\5065\5EB7\4F1A', U&'\5065\5EB7\4F1A', 'iryo hojin'),
	(U&'\793E\4F1A\798F\7949\6CD5\4EBA\3072\304B\308A\4F1A', U&'(\798F)\3072\304B\308A\4F1A', 'shakai fukushi hojin'),
	(U&'\7279\5B9A\975E\55B6\5229\6D3B\52D5\6CD5\4EBA\68EE\306E\4F1A', U&'NPO\6CD5\4EBA \68EE\306E\4F1A', 'tokutei hieiri katsudo hojin'),
	(U&'(\7279\975E)\68EE\306E\4F1A', U&'\68EE\306E\4F1A', 'tokuhi'),
	(U&'\516C\76CA\793E\56E3\6CD5\4EBA\65E5\672C\5354\4F1A', U&'(\516C\793E)\65E5\672C\5354\4F1A', 'koeki shadan hojin'),
	(U&'\516C\76CA\8CA1\56E3\6CD5\4EBA\672A\6765\8CA1\56E3', U&'(\516C\8CA1)\672A\6765\8CA1\56E3', 'koeki zaidan hojin'),
	(U&'\72EC\7ACB\884C\653F\6CD5\4EBA\7814\7A76\6240', U&'(\72EC)\7814\7A76\6240', 'dokuritsu gyosei hojin'),
	(U&'\FF76\FF8C\FF9E\FF7C\FF77\FF76\FF9E\FF72\FF7C\FF6C \FF94\FF8F\FF80\FF9E', U&'\682A\5F0F\4F1A\793E\30E4\30DE\30C0', 'kabushiki gaisha in half-width kana'),
	(U&'\FF76)\FF94\FF8F\FF80\FF9E', U&'\30E4\30DE\30C0\682A\5F0F\4F1A\793E', 'ka) of a bank transfer'),
	(U&'\FF94\FF8F\FF80\FF9E(\FF76', U&'\30E4\30DE\30C0', '(ka of a bank transfer'),
	(U&'\FF95)\FF94\FF8F\FF80\FF9E\5546\5E97', U&'\6709\9650\4F1A\793E\30E4\30DE\30C0\5546\5E97', 'yu) of a bank transfer'),
	(U&'\5C71\7530\88FD\4F5C\6240\FF08\682A\FF09 \5FA1\4E2D', U&'\5C71\7530\88FD\4F5C\6240', 'onchu after a form'),
	(U&'\5C71\7530\88FD\4F5C\6240\5FA1\4E2D', U&'\5C71\7530\88FD\4F5C\6240', 'onchu unspaced'),
	(U&'\5C71\7530\5546\4E8B \69D8', U&'\5C71\7530\5546\4E8B', 'sama'),
	(U&'\5C71\7530\5546\4E8B \6BBF', U&'\5C71\7530\5546\4E8B', 'dono');
SELECT note, dormancy.normalize_company_name(a) = dormancy.normalize_company_name(b) AS same_key,
	   dormancy.normalize_company_name(a) AS key
  FROM pairs ORDER BY note COLLATE "C";
-- names that hold no form keep every character: a single-character form
-- (ka, sama) is removed as a whole token only, never from inside a word;
-- a form of two or more is removed at either end, so a name that starts
-- with onchu loses it (onchu shoji), and NPO hojin written against the
-- name is no whole word, and stays (latin and kanji: known limits,
-- docs/priority.md)
SELECT n AS name, dormancy.normalize_company_name(n) AS key
  FROM unnest(ARRAY[U&'\30AB\30E1\30E9\5546\4F1A', U&'\69D8\5F0F\5546\4E8B', U&'\5B66\5712\7814\7A76\6240',
					U&'\5FA1\4E2D\5546\4E8B', U&'\533B\7642\6A5F\5668\682A\5F0F\4F1A\793E', U&'NPO\6CD5\4EBA\68EE\306E\4F1A']) n
 ORDER BY n COLLATE "C";
SELECT source_size, company_size FROM dormancy.company_sizes
 WHERE dormancy.label_key(source_size) = dormancy.label_key(U&'\5927\624B\4F01\696D');
