import type { CreateProductInput } from './create-product-use-case';

/** A dozen products in EUR for a fresh shop (demos, the local stack, end-to-end tests). */
export const SAMPLE_CATALOG: ReadonlyArray<Required<Omit<CreateProductInput, 'description'>> & { description: string }> = [
  { sku: 'BOOK-TAOCP-1', name: 'The Art of Computer Programming, Vol. 1', description: 'Donald E. Knuth. Fundamental Algorithms, 3rd edition, hardcover.', priceCents: 7499, currency: 'EUR', stock: 40 },
  { sku: 'BOOK-SICP', name: 'Structure and Interpretation of Computer Programs', description: 'Abelson and Sussman, 2nd edition, paperback.', priceCents: 4850, currency: 'EUR', stock: 60 },
  { sku: 'BOOK-DDIA', name: 'Designing Data-Intensive Applications', description: 'Martin Kleppmann. Reliable, scalable and maintainable systems.', priceCents: 4290, currency: 'EUR', stock: 100 },
  { sku: 'BOOK-PRAGPROG', name: 'The Pragmatic Programmer', description: 'Thomas and Hunt, 20th anniversary edition.', priceCents: 3990, currency: 'EUR', stock: 75 },
  { sku: 'KBD-MECH-TKL', name: 'Mechanical Keyboard, Tenkeyless', description: 'Hot-swappable brown switches, PBT keycaps, USB-C.', priceCents: 11900, currency: 'EUR', stock: 30 },
  { sku: 'MOUSE-ERGO-V', name: 'Ergonomic Vertical Mouse', description: 'Wireless, six buttons, 4000 DPI.', priceCents: 4999, currency: 'EUR', stock: 55 },
  { sku: 'MON-27-QHD', name: '27" QHD Monitor', description: '2560x1440 IPS panel, 75 Hz, height-adjustable stand.', priceCents: 28900, currency: 'EUR', stock: 25 },
  { sku: 'HUB-USBC-7', name: 'USB-C Hub, 7 in 1', description: 'HDMI 4K, two USB-A, SD and microSD, 100 W pass-through.', priceCents: 3499, currency: 'EUR', stock: 90 },
  { sku: 'HEAD-NC-BT', name: 'Noise-Cancelling Headphones', description: 'Bluetooth 5.3, 30 hours of battery, foldable.', priceCents: 17900, currency: 'EUR', stock: 35 },
  { sku: 'MUG-LAMBDA', name: 'Lambda Coffee Mug', description: 'Ceramic, 350 ml, dishwasher safe.', priceCents: 1290, currency: 'EUR', stock: 80 },
  { sku: 'DESK-MAT-XL', name: 'Desk Mat XL', description: '90 x 40 cm, stitched edges, non-slip base.', priceCents: 2490, currency: 'EUR', stock: 65 },
  { sku: 'LAMP-LED-ARM', name: 'LED Desk Lamp with Arm', description: 'Dimmable, adjustable colour temperature, clamp mount.', priceCents: 5990, currency: 'EUR', stock: 45 },
];
