--
-- Last: the generated views, unbound (empty, full shape), so everything
-- downstream works before any binding.  Every object they use exists by now.
--
SELECT dormancy._build_views();
