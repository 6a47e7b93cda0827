// The cluster specs always run on the PostgreSQL and Redis every machine here runs; these are their addresses.
process.env.AVISA_TEST_DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/test';
process.env.AVISA_TEST_REDIS_URL ||= 'redis://127.0.0.1:6379';
