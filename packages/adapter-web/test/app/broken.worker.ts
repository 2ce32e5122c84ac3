// A worker file that fails while loading (e.g. its schema module throws).
throw new Error('broken on purpose')
