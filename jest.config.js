/**
 * Unit tests for src/, in src/__tests__/ (one folder per subsystem, like src/).
 *
 * The kernel, chunks, compat, util, outputs and inspector logic runs in node, which keeps it free of the DOM.
 * The comm model looks its target up in the widget table (src/widgets/index.ts), whose views
 * load @lumino/widgets, which needs a DOM as soon as it is imported: so every other spec (the
 * model layer and the widgets) runs in jsdom. Both still run without a kernel, since those
 * modules take their dependencies as arguments.
 */
const NODE_FOLDERS = [
  'kernel',
  'util',
  'outputs',
  'inspector',
  'chunks',
  'compat'
];

const common = {
  rootDir: __dirname,
  roots: ['<rootDir>/src'],
  setupFiles: ['<rootDir>/jest.setup.js'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }]
  }
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'node',
      testEnvironment: 'node',
      testMatch: NODE_FOLDERS.map(
        folder => `<rootDir>/src/__tests__/${folder}/**/*.spec.ts`
      )
    },
    {
      ...common,
      displayName: 'jsdom',
      testEnvironment: 'jsdom',
      testMatch: ['**/__tests__/**/*.spec.ts'],
      testPathIgnorePatterns: [`/__tests__/(${NODE_FOLDERS.join('|')})/`]
    }
  ]
};
