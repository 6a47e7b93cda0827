// A browser spec starts a server, Chromium and sometimes receivers; each wait inside is bounded on its own.
jest.setTimeout(120_000);
