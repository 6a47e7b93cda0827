import { busTargets, NoSessionBusError, sessionBusAddress } from './session-bus';

describe('finding the session bus', () => {
  it('uses DBUS_SESSION_BUS_ADDRESS when set', () => {
    expect(sessionBusAddress({ DBUS_SESSION_BUS_ADDRESS: ' unix:path=/tmp/bus ' }, 1000, () => false)).toBe(
      'unix:path=/tmp/bus',
    );
  });

  it('otherwise takes the per-user bus of systemd, under XDG_RUNTIME_DIR or /run/user/<uid>', () => {
    const exists = (path: string) => path === '/run/user/1000/bus' || path === '/custom/bus';
    expect(sessionBusAddress({}, 1000, exists)).toBe('unix:path=/run/user/1000/bus');
    expect(sessionBusAddress({ XDG_RUNTIME_DIR: '/custom' }, 1000, exists)).toBe('unix:path=/custom/bus');
  });

  it('says why there is none', () => {
    expect(() => sessionBusAddress({}, 115, () => false)).toThrow(
      new NoSessionBusError('no session bus: DBUS_SESSION_BUS_ADDRESS is not set and /run/user/115/bus does not exist'),
    );
  });

  it('reads the transports of an address list that a Node socket can reach', () => {
    expect(
      busTargets(
        'unix:abstract=/tmp/dbus-x,guid=1;unix:path=/run/user/1000/b%2cus;tcp:host=127.0.0.1,port=5555;' +
          'launchd:env=X;unix:runtime=yes;tcp:host=h',
      ),
    ).toEqual([{ path: '\0/tmp/dbus-x' }, { path: '/run/user/1000/b,us' }, { host: '127.0.0.1', port: 5555 }]);
  });
});
