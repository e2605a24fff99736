/**
 * Unit tests for src/. The pure logic (protocol, coalescing, registry, manager) runs in node,
 * since those modules take their dependencies as arguments; view specs opt into jsdom with a
 * `@jest-environment jsdom` docblock.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/__tests__/**/*.spec.ts'],
  setupFiles: ['<rootDir>/jest.setup.js'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }]
  }
};
