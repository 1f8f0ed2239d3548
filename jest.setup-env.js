// Tests exercise error paths on purpose; keep their output to real errors unless asked.
process.env.LOG_LEVEL ??= 'error';
